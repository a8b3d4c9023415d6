//! WebAssembly bindings of `dti-core`: glue only. Each export wraps the core function of the
//! same name (camelCase in JS); inputs and outputs are plain JS objects with the core's serde
//! shapes (declared once in `npm/index.d.ts`); errors are JS `Error` objects with a stable
//! `code` (see `errors.rs`).
//!
//! The exports come in two modules, built from this crate with different features, so that a
//! portal that only scores downloads only the scoring code (npm: `dti-wasm`, ≤ 400 KB):
//! - feature `scoring` (default): built-in frameworks, validation, scoring, explanations,
//!   mergers and the province registry (module `scoring`);
//! - feature `analysis`: normalisation with a chosen method, scenarios, comparisons and
//!   uncertainty analysis (module `analysis`; npm: `dti-wasm/analysis`).
//!
//! Both modules take the same plain objects, so results of one feed the other.

mod convert;
mod errors;
mod tape;

#[cfg(feature = "analysis")]
pub mod analysis;
#[cfg(feature = "scoring")]
pub mod scoring;

#[cfg(feature = "analysis")]
pub use analysis::*;
#[cfg(feature = "scoring")]
pub use scoring::*;

use std::cell::RefCell;

use dti_core::{Framework, FrameworkDef, UnitRecord};
use wasm_bindgen::prelude::*;

use convert::{from_js, limit, MAX_NODES, MAX_UNITS};

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records a panic's message so the JS wrapper can raise it as an `internal` error.
///
/// The size-built package (std with `panic = "immediate-abort"`, see `scripts/wasm-package`)
/// traps at once without running hooks; the wrapper then reports the trap itself.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(not(panic = "immediate-abort"))]
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
    }));
}

/// The message of the last panic, if any (read by the JS wrapper after a trap).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// A framework from a built-in id (string) or a definition (object), validated.
fn framework(v: JsValue) -> Result<Framework, JsValue> {
    if let Some(id) = v.as_string() {
        // `total`: DTI values alone, as the published 63-province tables give them.
        if id == "total" {
            return Ok(dti_core::model::total_framework());
        }
        return Framework::builtin(&id).map_err(|e| errors::framework(&e));
    }
    let def: FrameworkDef = from_js("framework", v)?;
    limit("nodes", def.nodes.len(), MAX_NODES)?;
    Framework::new(def).map_err(|e| errors::framework(&e))
}

fn units(v: JsValue) -> Result<Vec<UnitRecord>, JsValue> {
    let u: Vec<UnitRecord> = from_js("units", v)?;
    limit("units", u.len(), MAX_UNITS)?;
    Ok(u)
}

/// An optional argument: `undefined` or `null` means the default.
fn optional<T: serde::de::DeserializeOwned + Default>(
    name: &str,
    v: JsValue,
) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(T::default())
    } else {
        from_js(name, v)
    }
}

/// The allocator: talc, made for single-threaded WebAssembly, in place of the default
/// dlmalloc — ~4 KB smaller a module at the same speed (measured on `scoreCohort`), room the
/// size budget spends on speed elsewhere (the glue built at opt-level "s").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
