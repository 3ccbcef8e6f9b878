//! The figures, as one JSON object (`--json`) or a short text table.

use serde_json::{json, Value};

/// Prints `report` as JSON or as `key: value` lines grouped by section.
pub fn print(report: &Value, as_json: bool) {
    if as_json {
        println!("{report}");
        return;
    }
    if let Value::Object(sections) = report {
        for (name, section) in sections {
            match section {
                Value::Object(fields) => {
                    println!("{name}:");
                    print_fields("", fields);
                }
                other => println!("{name}: {}", fmt(other)),
            }
        }
    }
}

/// `key value` lines; a nested object's fields follow as `key.field value`.
fn print_fields(prefix: &str, fields: &serde_json::Map<String, Value>) {
    for (k, v) in fields {
        let key = format!("{prefix}{k}");
        match v {
            Value::Object(inner) => print_fields(&format!("{key}."), inner),
            other => println!("  {key:<48} {}", fmt(other)),
        }
    }
}

fn fmt(v: &Value) -> String {
    match v {
        Value::Number(n) if n.is_f64() => format!("{:.4}", n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

/// `a / b`, or null when `b` is not positive.
pub fn ratio(a: f64, b: f64) -> Value {
    if b > 0.0 && a.is_finite() {
        json!(a / b)
    } else {
        Value::Null
    }
}

/// A finite number, or null.
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}
