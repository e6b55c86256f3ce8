import pc from "picocolors";

/**
 * Whether a CLI writes colour to `stream`: never with NO_COLOR (no-color.org), always with FORCE_COLOR (other
 * than "0"/"false"), otherwise only on a terminal. picocolors alone would also colour pipes whenever CI is set.
 */
export function colourWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return stream.isTTY === true && env.TERM !== "dumb";
}

export type Colours = ReturnType<typeof pc.createColors>;

/** Colour functions for `stream` (identity functions when colour is off). */
export const coloursFor = (stream: { isTTY?: boolean } = process.stdout): Colours => pc.createColors(colourWanted(stream));

/** cli-table3 style: its default header is red, which reads as an error; plain when colour is off. */
export const tableStyle = (c: Colours): { head: string[]; border: string[] } => (c.isColorSupported ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] });
