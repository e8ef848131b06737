//! armmap bench/peer: aarch64-paging (google, HEAD 0.12.1) measured the way
//! armmap's bench counts small calls: each operation in an #[inline(never)]
//! function, counted by callgrind --toggle-collect on that function, divided
//! by the number of calls. One op per run: `pbench <op> <calls>`.
use aarch64_paging::descriptor::El23Attributes as A;
use aarch64_paging::linearmap::LinearMap;
use aarch64_paging::paging::{El2, MemoryRegion};
use std::hint::black_box;

const GIB: usize = 1 << 30;
const MIB2: usize = 2 << 20;
const PAGE: usize = 4096;

fn rw() -> A {
    A::VALID | A::ATTRIBUTE_INDEX_1 | A::INNER_SHAREABLE | A::ACCESSED | A::XN
}

fn new_map() -> LinearMap<El2> {
    // root at level 1 (39-bit VAs, as armmap's bench), identity (offset 0)
    LinearMap::new(1, 0, El2)
}

#[inline(never)]
fn op_map(m: &mut LinearMap<El2>, lo: usize, hi: usize) {
    m.map_range(&MemoryRegion::new(lo, hi), rw()).unwrap();
}

#[inline(never)]
fn op_map_pages(m: &mut LinearMap<El2>, lo: usize, hi: usize) {
    m.map_range_with_constraints(
        &MemoryRegion::new(lo, hi),
        rw(),
        aarch64_paging::paging::Constraints::NO_BLOCK_MAPPINGS,
    )
    .unwrap();
}

#[inline(never)]
fn op_unmap(m: &mut LinearMap<El2>, lo: usize, hi: usize) {
    // aarch64-paging unmaps by mapping without VALID
    m.map_range(&MemoryRegion::new(lo, hi), A::empty()).unwrap();
}

#[inline(never)]
fn op_modify(m: &mut LinearMap<El2>, lo: usize, hi: usize) {
    m.modify_range(&MemoryRegion::new(lo, hi), &|_r, d| {
        if d.is_table() {
            return Ok(());
        }
        d.modify_flags(A::READ_ONLY, A::empty())
    })
    .unwrap();
}

#[inline(never)]
fn op_query(m: &LinearMap<El2>, va: usize) -> usize {
    let mut pa = 0;
    m.walk_range(&MemoryRegion::new(va, va + PAGE), &mut |_r, d, _l| {
        pa = d.output_address().0;
        Ok(())
    })
    .unwrap();
    pa
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let op = args.get(1).map(String::as_str).unwrap_or("");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(256);
    match op {
        // one 1 GiB block into an empty table (fresh table each call)
        "block1g-map" | "block1g-unmap" | "block1g-modify" => {
            for i in 0..n {
                let mut m = new_map();
                let base = (i % 256 + 1) * GIB;
                if op == "block1g-map" {
                    op_map(&mut m, base, base + GIB);
                } else {
                    m.map_range(&MemoryRegion::new(base, base + GIB), rw()).unwrap();
                    if op == "block1g-unmap" {
                        op_unmap(&mut m, base, base + GIB);
                    } else {
                        op_modify(&mut m, base, base + GIB);
                    }
                }
                black_box(&m);
            }
        }
        // armmap's bench ranges: 4 GiB at mixed alignment (VA, PA, size as bench_pt.c)
        "mixed4g" | "mixed4g-2m" => {
            let k4 = PAGE as isize;
            let (va, pa, size) = if op == "mixed4g" {
                let va = GIB as isize - MIB2 as isize - 5 * k4;
                (va, 3 * GIB as isize - MIB2 as isize - 5 * k4, 4 * GIB + 3 * MIB2 + 9 * PAGE)
            } else {
                let va = GIB as isize - 16 * k4;
                (va, 3 * GIB as isize + MIB2 as isize - 16 * k4, 4 * GIB + 32 * PAGE)
            };
            for _ in 0..n {
                let mut m: LinearMap<El2> = LinearMap::new(1, pa - va, El2);
                op_map(&mut m, va as usize, va as usize + size);
                black_box(&m);
            }
        }
        // 1 GiB of 4 KiB pages (fresh tables), and modify of it, as bench_pt.c (VA G1, PA 2 G1)
        "pages1g-map" | "pages1g-modify" => {
            for _ in 0..n {
                let mut m: LinearMap<El2> = LinearMap::new(1, GIB as isize, El2);
                if op == "pages1g-map" {
                    op_map_pages(&mut m, GIB, 2 * GIB);
                } else {
                    // pages: map page by page so that no block is used
                    m.map_range_with_constraints(
                        &MemoryRegion::new(GIB, 2 * GIB),
                        rw(),
                        aarch64_paging::paging::Constraints::NO_BLOCK_MAPPINGS,
                    )
                    .unwrap();
                    op_modify(&mut m, GIB, 2 * GIB);
                }
                black_box(&m);
            }
        }
        // small calls into tables that exist: one page / one 2 MiB block
        "page-map" | "page-unmap" | "page-modify" | "page-query" | "block2m-map"
        | "block2m-unmap" | "block2m-modify" => {
            let mut m = new_map();
            // existing tables: a neighbour page / block keeps every table level alive
            m.map_range(&MemoryRegion::new(GIB, GIB + PAGE), rw()).unwrap();
            m.map_range(&MemoryRegion::new(GIB + 8 * MIB2, GIB + 9 * MIB2), rw()).unwrap();
            for i in 0..n {
                let p = GIB + PAGE * (1 + i % 500);
                let b = GIB + MIB2 * (10 + i % 400);
                match op {
                    "page-map" => {
                        op_map(&mut m, p, p + PAGE);
                        m.map_range(&MemoryRegion::new(p, p + PAGE), A::empty()).unwrap();
                    }
                    "page-unmap" => {
                        m.map_range(&MemoryRegion::new(p, p + PAGE), rw()).unwrap();
                        op_unmap(&mut m, p, p + PAGE);
                    }
                    "page-modify" => {
                        m.map_range(&MemoryRegion::new(p, p + PAGE), rw()).unwrap();
                        op_modify(&mut m, p, p + PAGE);
                        m.map_range(&MemoryRegion::new(p, p + PAGE), A::empty()).unwrap();
                    }
                    "page-query" => {
                        black_box(op_query(&m, GIB));
                    }
                    "block2m-map" => {
                        op_map(&mut m, b, b + MIB2);
                        m.map_range(&MemoryRegion::new(b, b + MIB2), A::empty()).unwrap();
                    }
                    "block2m-unmap" => {
                        m.map_range(&MemoryRegion::new(b, b + MIB2), rw()).unwrap();
                        op_unmap(&mut m, b, b + MIB2);
                    }
                    _ => {
                        m.map_range(&MemoryRegion::new(b, b + MIB2), rw()).unwrap();
                        op_modify(&mut m, b, b + MIB2);
                        m.map_range(&MemoryRegion::new(b, b + MIB2), A::empty()).unwrap();
                    }
                }
            }
            black_box(&m);
        }
        _ => {
            eprintln!("usage: pbench OP [CALLS]");
            std::process::exit(2);
        }
    }
}
