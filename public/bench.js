// Loads the site's own wasm module (its hashed file names are read from index.html) and
// runs the benchmark workloads; src/bench.rs writes the results into #bench-output.
const page = await (await fetch('./index.html')).text();
const js = /from\s*["']\.\/([^"']+\.js)["']/.exec(page);
const wasm = /module_or_path:\s*["']\.\/([^"']+\.wasm)["']/.exec(page);
const out = document.getElementById('bench-output');
if (!js || !wasm) {
  out.textContent = 'bench: the site build was not found next to this page';
} else {
  const bindings = await import(`./${js[1]}`);
  await bindings.default({ module_or_path: `./${wasm[1]}` });
  // let the "running…" text paint first
  await new Promise((r) => setTimeout(r, 50));
  const quick = new URLSearchParams(location.search).has('quick');
  bindings.run_bench(quick ? 10 : 1);
}
