/**
 * The README's executable parts: a fenced block after `<!-- readme-test: run -->` (commands run one after
 * another) or `<!-- readme-test: stay -->` (one command started in the background and left up for the blocks
 * after it), each optionally followed by a `<!-- readme-test: sample -->` block of the output it shows.
 */
export interface CommandBlock {
  kind: "run" | "stay";
  commands: string[];
  sample?: string[];
  line: number;
}

const MARKER = /^<!-- readme-test: (run|stay|sample) -->$/;

export function commandBlocks(readme: string): CommandBlock[] {
  const lines = readme.split("\n");
  const blocks: CommandBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i].trim());
    if (!m) continue;
    let open = i + 1;
    while (open < lines.length && lines[open].trim() === "") open++;
    if (!lines[open]?.startsWith("```")) throw new Error(`README line ${i + 1}: ${lines[i]} is not followed by a fenced block`);
    const close = lines.findIndex((l, k) => k > open && l.startsWith("```"));
    if (close < 0) throw new Error(`README line ${open + 1}: fenced block never closes`);
    const body = lines.slice(open + 1, close);
    if (m[1] === "sample") {
      const last = blocks.at(-1);
      if (!last || last.sample) throw new Error(`README line ${i + 1}: a sample block must follow a run or stay block`);
      last.sample = body;
    } else {
      blocks.push({ kind: m[1] as "run" | "stay", commands: body.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")), line: i + 1 });
    }
    i = close;
  }
  return blocks;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A sample line as a pattern: `…` matches any text, `<n>` any number, spaces any run of spaces (table padding). */
function linePattern(line: string): RegExp {
  const parts = line.trimEnd().split(/(…|<n>)/);
  return new RegExp(`^${parts.map((p) => (p === "…" ? ".*?" : p === "<n>" ? "\\d+(?:[.,]\\d+)?" : escape(p).replace(/ +/g, " +"))).join("")}\\s*$`);
}

/**
 * Where `output` stops matching `sample` (undefined when it matches): sample lines must appear in order,
 * consecutively, except where a line of its own `…` allows any lines in between. Blank lines are ignored;
 * output may go on after the sample's last line.
 */
export function sampleMismatch(sample: string[], output: string): string | undefined {
  const out = output.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  let at = 0;
  let gap = false;
  for (const line of sample.filter((l) => l.trim() !== "")) {
    if (line.trim() === "…") {
      gap = true;
      continue;
    }
    const re = linePattern(line);
    if (gap) {
      while (at < out.length && !re.test(out[at])) at++;
    }
    if (at >= out.length || !re.test(out[at])) {
      return `sample line not found${gap ? "" : " where expected"}:\n  ${line}\n${gap ? "" : `output there:\n  ${out[at] ?? "(end of output)"}\n`}`;
    }
    at++;
    gap = false;
  }
  return undefined;
}
