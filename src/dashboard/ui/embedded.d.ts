// The page's files are imported as text (`with { type: "text" }`) so that a binary built with
// `bun build --compile` serves them with nothing beside it. TypeScript 7.0 does not know
// that attribute, so these declarations give the imports their real type: a string.
// (index.html is typed by bun-types as an HTMLBundle; assets.ts casts it.)
declare module "*/ui/app.css" {
  const text: string;
  export default text;
}
declare module "*/ui/theme.css" {
  const text: string;
  export default text;
}
declare module "*/ui/panels.css" {
  const text: string;
  export default text;
}
declare module "*/ui/services.js" {
  const text: string;
  export default text;
}
declare module "*/ui/app.js" {
  const text: string;
  export default text;
}
declare module "*/ui/ansi.js" {
  const text: string;
  export default text;
}
declare module "*/ui/chart.js" {
  const text: string;
  export default text;
}
declare module "*/ui/log-view.js" {
  const text: string;
  export default text;
}
declare module "*/ui/status.js" {
  const text: string;
  export default text;
}
declare module "*/ui/favicon.svg" {
  const text: string;
  export default text;
}
declare module "*/ui/time.js" {
  const text: string;
  export default text;
}
declare module "*/ui/actions.js" {
  const text: string;
  export default text;
}
declare module "*/ui/markers.js" {
  const text: string;
  export default text;
}
declare module "*/ui/output-lines.js" {
  const text: string;
  export default text;
}
declare module "*/ui/client.js" {
  const text: string;
  export default text;
}
declare module "*/ui/overlay.css" {
  const text: string;
  export default text;
}
