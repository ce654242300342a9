#!/bin/sh
# Import of a Word report, baocao against pandoc's DOCX reader (`pandoc -f docx -t json`, from
# Debian) on the same files, same run. Results go in docs/benchmarks.md.
#  1. in process: criterion (`crates/import/benches/import.rs`), which also writes
#     target/import-bench-typical-02.docx (47 pages) and target/import-bench-full-01.docx (111);
#  2. whole process, file to file: the `import_file` example (read, load the template, import,
#     write the JSON, print the placement report) and pandoc, each run 20 times.
set -eu
cd "$(dirname "$0")/.."
cargo bench -p import --bench import -- --noplot
cargo build --release -p import --example import_file
bin="${CARGO_TARGET_DIR:-target}/release/examples/import_file"
runs=20
mean_ms() {
    start=$(date +%s%N)
    i=0
    while [ $i -lt $runs ]; do
        "$@" > /dev/null
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000000 ))
}
for f in typical-02 full-01; do
    file="target/import-bench-$f.docx"
    province=${f#*-}
    ours=$(mean_ms "$bin" "$file" "$province" /tmp/import-bench.json)
    theirs=$(mean_ms pandoc -f docx -t json "$file")
    echo "$file: baocao import ${ours} ms, pandoc -f docx -t json ${theirs} ms (mean of $runs runs each)"
done
