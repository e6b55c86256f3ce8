/** One lint finding, pointing at a file (relative to the repository) and a JSON path inside it. */
export interface Diagnostic {
  severity: "error" | "warning";
  file: string;
  /** JSONPath of the offending value, `$` for the whole document. */
  path: string;
  message: string;
}

export type Report = (path: string, message: string, severity?: Diagnostic["severity"]) => void;

/** A reporter bound to one file, collecting into `sink`. */
export function reporterFor(file: string, sink: Diagnostic[]): Report {
  return (path, message, severity = "error") => sink.push({ severity, file, path, message });
}

/** `/subRequests/0/id` (a JSON Pointer, as ajv reports it) → `$.subRequests[0].id`. */
export function pointerToJsonPath(pointer: string): string {
  if (pointer === "") return "$";
  return (
    "$" +
    pointer
      .split("/")
      .slice(1)
      .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg) ? `.${seg}` : `['${seg}']`))
      .join("")
  );
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}: ${d.path}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}

/** Errors first, then by file and path, so output is stable whatever order the checks ran in. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      a.file.localeCompare(b.file) ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}
