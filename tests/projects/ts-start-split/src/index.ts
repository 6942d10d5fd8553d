import { createServer } from "node:http";
import { greeting } from "./greeting.js";

const port = Number(process.env.PORT ?? 8080);
createServer((_req, res) => {
  res.end(greeting("split"));
}).listen(port, () => console.log(`listening on ${port}`));
