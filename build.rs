//! Links the binaries as position-dependent executables on Linux (`-no-pie`): a PIE binary
//! of this size carries about 60,000 relative relocations that the dynamic loader applies
//! at every start, touching (and copying) every page of pointers. Without them a `lede
//! search` process takes 469 page faults instead of 766 and 4% fewer instructions
//! (callgrind, perf stat; docs/performance.md). The code itself stays position-independent.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
