// Writes engine/src/test/resources/tokenizers/expected.json: for every fixture tokenizer and
// every case of cases.json, the ids, tokens and decoded text that @huggingface/tokenizers
// (an implementation independent of ours) produces. Run: npm ci && npm run expected
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "resources", "tokenizers");
const library = JSON.parse(readFileSync(join(here, "node_modules", "@huggingface", "tokenizers", "package.json"), "utf8"));
const cases = JSON.parse(readFileSync(join(root, "cases.json"), "utf8")).cases;

const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(root, e.name, "tokenizer.json")))
  .map((e) => e.name)
  .sort();

// The Rust library does not clean up spaces around punctuation on decode; transformers can.
const decodeOptions = (skip) => ({ skip_special_tokens: skip, clean_up_tokenization_spaces: false });
const decode = (tokenizer, ids, skip) => (ids.length === 0 ? "" : tokenizer.decode(ids, decodeOptions(skip)));

const out = [];
for (const name of fixtures) {
  const json = JSON.parse(readFileSync(join(root, name, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(root, name, "tokenizer_config.json"), "utf8"));
  const tokenizer = new Tokenizer(json, config);
  const results = cases.map(({ name: caseName, text }) => {
    const withSpecials = tokenizer.encode(text);
    const without = tokenizer.encode(text, { add_special_tokens: false });
    return {
      name: caseName,
      ids: withSpecials.ids,
      idsWithoutSpecials: without.ids,
      tokens: without.tokens,
      decoded: decode(tokenizer, withSpecials.ids, true),
      decodedWithSpecials: decode(tokenizer, withSpecials.ids, false),
    };
  });
  out.push({ name, results });
}

// One case per line keeps diffs readable.
let text = "{\n";
text += `  "generator": ${JSON.stringify(`engine/src/test/js/make-expected.mjs with ${library.name} ${library.version}`)},\n`;
text += '  "tokenizers": {\n';
text += out
  .map(({ name, results }) =>
    `    ${JSON.stringify(name)}: [\n` + results.map((r) => "      " + JSON.stringify(r)).join(",\n") + "\n    ]")
  .join(",\n");
text += "\n  }\n}\n";
writeFileSync(join(root, "expected.json"), text);
console.log(`wrote ${join(root, "expected.json")}: ${fixtures.length} tokenizers x ${cases.length} cases`);
