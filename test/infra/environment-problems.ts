import { EnvironmentConfigError, parseEnvironment } from "../../infra/config/load-environment";

/** The problems an environment file is rejected with (fails the test when it is accepted). */
export function problemsOf(file: string, config: unknown): string[] {
  try {
    parseEnvironment(file, typeof config === "string" ? config : JSON.stringify(config));
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentConfigError);
    const e = err as EnvironmentConfigError;
    expect(e.message.startsWith(`${file}: invalid environment config`)).toBe(true);
    return e.problems;
  }
  throw new Error("config was accepted");
}
