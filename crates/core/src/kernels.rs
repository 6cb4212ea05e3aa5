//! Which vector kernels draw the random numbers. The per-year draws and
//! per-trial quantities are computed by kernels compiled for AVX-512,
//! AVX2, NEON and a portable baseline, chosen at run time; every path
//! computes the same bits, so this only changes speed. A shell may force
//! the baseline (fundgap's binary does when `FUNDGAP_SIMD=portable`), to
//! show that the outputs do not change.

/// The instruction set the kernels use on this CPU ("avx512", "avx2",
/// "neon" or "portable").
pub fn instruction_set() -> &'static str {
    crate::model::rng::lanes::instruction_set()
}

/// Forces (or stops forcing) the portable baseline kernels, for every
/// thread of the process from the next trial on. Results are the same
/// bits either way.
pub fn force_portable(on: bool) {
    crate::model::rng::set_portable(on);
}
