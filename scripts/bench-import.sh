#!/bin/sh
# Import of a Word report: baocao's importer (criterion, in process) and pandoc's DOCX reader
# (`pandoc -f docx -t json`, from Debian) on the same files, same run.
# The criterion bench writes target/import-bench-typical-02.docx (47 pages) and
# target/import-bench-full-01.docx (111 pages). Results go in docs/benchmarks.md.
set -eu
cd "$(dirname "$0")/.."
cargo bench -p import --bench import -- --noplot
for f in typical-02 full-01; do
    file="target/import-bench-$f.docx"
    runs=10
    start=$(date +%s%N)
    i=0
    while [ $i -lt $runs ]; do
        pandoc -f docx -t json "$file" > /dev/null
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo "pandoc -f docx -t json $file: $(( (end - start) / runs / 1000000 )) ms (mean of $runs)"
done
