// @fnproject/fdk ships no type declarations; this covers the one entry point we call.
declare module "@fnproject/fdk" {
  export function handle(
    fn: (input: never, ctx: never) => unknown,
    options?: { inputMode?: "json" | "string" | "buffer" },
  ): () => void;
}
