const express = require("express");

const router = express.Router();

router.get("/", (req, res) => {
  res.render("index", { title: "Express", version: "corpus v1" });
});

module.exports = router;
