export { handleTemplateInvocation, type TemplateRole } from "./handler";
