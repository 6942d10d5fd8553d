const { createServer } = require("node:http");
const { message } = require("@corpus/shared");

const port = Number(process.env.PORT || 3000);
createServer((req, res) => res.end(`api: ${message()}`)).listen(port);
