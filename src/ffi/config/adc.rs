//! `gemini_live_config_set_vertex_adc`: Vertex AI with Application Default Credentials.

use super::{config_mut, gemini_live_config};
use crate::ffi::error::gemini_live_result;
use crate::ffi::ptr::{try_nonempty_str, try_opt_str};
use crate::transport::adc::AdcOptions;
use std::ffi::c_char;
use std::path::PathBuf;

/// Connect to Vertex AI in `project` and `location` (the rules of `gemini_live_config_set_vertex`)
/// with Application Default Credentials, found as Google's SDKs find them:
/// `credentials_file` if not NULL (a service-account key or an `authorized_user` JSON file),
/// else the file `GOOGLE_APPLICATION_CREDENTIALS` names, else gcloud's well-known file
/// (`gcloud auth application-default login`), else the metadata server on Google Cloud
/// (`GCE_METADATA_HOST` overrides its address). Replaces any credentials and credential callback
/// set before. The token source is the config's credential provider: like a credential
/// callback it stays until `gemini_live_config_set_credential_callback` replaces or removes it
/// (another credentials setter alone does not).
///
/// The library fetches an OAuth access token (scope `cloud-platform`) when the session first
/// connects, caches it, and asks again before every connection, reconnects included: a token
/// within 20 s of its expiry is refreshed first. A service-account key signs a JWT assertion,
/// sent to the file's `token_uri`. The token requests use the CA file set so far
/// (`gemini_live_config_set_ca_file` before this call). Discovery and token failures fail the
/// first connection with `GEMINI_LIVE_RESULT_CREDENTIAL`; the message says which step and
/// carries the token endpoint's own message, never a secret. A reconnect whose token request
/// fails is retried per the reconnect policy.
///
/// Ownership: the strings are copied. Threads: not concurrently with other calls on the same
/// config. Errors: `NULL_ARGUMENT` (config, project, location), `INVALID_UTF8`,
/// `INVALID_ARGUMENT` (project or location), `TLS` (the system roots could not be loaded).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_vertex_adc(
    config: *mut gemini_live_config,
    project: *const c_char,
    location: *const c_char,
    credentials_file: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let project = unsafe { try_nonempty_str(project, "project")? };
        let location = unsafe { try_nonempty_str(location, "location")? };
        let file = unsafe { try_opt_str(credentials_file, "credentials_file")? }.filter(|f| !f.is_empty());
        let options = AdcOptions { credentials_file: file.map(PathBuf::from) };
        c.builder.vertex_adc(project, location, options)?;
        Ok(())
    }
}
