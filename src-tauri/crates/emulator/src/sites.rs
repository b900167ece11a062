//! `POST /site-list/v2/sites/query` (wix-api.md §3), in the shape live Wix answers: paging
//! in `metadata` (`count`, `cursors.next`, `hasNext`; no `pagingMetadata`), at most 100 sites a
//! page and 1,000 in all, and `HEADLESS` sites hidden unless the filter names the `namespace`.
//! The cursor carries the filter and sort it continues, as Wix's do, so a follow-up request
//! with a cursor ignores any filter or sort sent beside it. The request's key paths (never its
//! values) go to the request log, so tests can see that a client sent the cursor alone.

use axum::body::Bytes;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::auth::{account_level, Scope};
use crate::error::{WixError, WixResult};
use crate::reqlog::LogEntry;
use crate::state::AppState;
use crate::store::Site;
use crate::wire::{self, date, Fields};

/// Query Sites never returns more than this many sites in total (docs: sites introduction).
const MAX_SITES: usize = 1000;
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;
/// What an unfiltered query lists: headless sites stay hidden (wix-api.md §3).
const DEFAULT_NAMESPACE: &str = "WIX";

#[derive(Serialize, Deserialize)]
struct Cursor {
    filter: Map<String, Value>,
    sort: Vec<(String, bool)>,
    offset: usize,
}

pub fn site_json(site: &Site, base_url: &str) -> Value {
    json!({
        "id": site.id,
        "name": site.name,
        "displayName": site.display_name,
        "createdDate": date(site.created),
        "updatedDate": date(site.updated),
        "published": site.published,
        "premium": site.premium,
        "viewUrl": format!("{base_url}/__emulator/live/{}", site.name),
        "editUrl": format!("{base_url}/__emulator/editor/{}", site.id),
        "ownerAccountId": site.account_id,
        "contributorAccountIds": [],
        "editorType": "EDITOR",
        "blocked": false,
        "namespace": site.namespace,
        "domainConnected": false,
    })
}

/// Matches one field condition: a plain value, or `{"$eq"|"$ne"|"$in"|"$exists"|"$startsWith": …}`.
fn matches(value: Option<&Value>, cond: &Value, field: &str) -> WixResult<bool> {
    let Value::Object(ops) = cond else {
        return Ok(value == Some(cond));
    };
    let mut ok = true;
    for (op, arg) in ops {
        ok &= match op.as_str() {
            "$eq" => value == Some(arg),
            "$ne" => value != Some(arg),
            "$in" => arg
                .as_array()
                .is_some_and(|a| value.is_some_and(|v| a.contains(v))),
            "$exists" => value.is_some() == arg.as_bool().unwrap_or(true),
            "$startsWith" => match (value.and_then(Value::as_str), arg.as_str()) {
                (Some(v), Some(p)) => v.to_lowercase().starts_with(&p.to_lowercase()),
                _ => false,
            },
            _ => {
                return Err(WixError::invalid(
                    &format!("query.filter.{field}"),
                    format!("operator {op} is not supported"),
                    "INVALID_ARGUMENT",
                ))
            }
        };
    }
    Ok(ok)
}

fn site_matches(site: &Value, filter: &Map<String, Value>) -> WixResult<bool> {
    for (field, cond) in filter {
        let ok = match field.as_str() {
            "id" | "name" | "displayName" | "published" | "premium" | "folderId" | "editorType"
            | "namespace" | "domainConnected" => matches(site.get(field), cond, field)?,
            "searchPhrase" => {
                let phrase = cond.as_str().unwrap_or_default().to_lowercase();
                ["name", "displayName"].iter().any(|f| {
                    site[f]
                        .as_str()
                        .is_some_and(|v| v.to_lowercase().contains(&phrase))
                })
            }
            _ => {
                return Err(WixError::invalid(
                    &format!("query.filter.{field}"),
                    "filtering by this field is not supported",
                    "INVALID_ARGUMENT",
                ))
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn parse_sort(query: &Map<String, Value>) -> WixResult<Vec<(String, bool)>> {
    let Some(sort) = query.get("sort") else {
        return Ok(vec![("updatedDate".into(), false)]);
    };
    let items = sort
        .as_array()
        .ok_or_else(|| WixError::invalid("query.sort", "must be an array", "FORMAT"))?;
    let mut out = Vec::new();
    for item in items {
        let field = item["fieldName"].as_str().unwrap_or_default();
        if !["createdDate", "updatedDate", "displayName", "trashedDate"].contains(&field) {
            return Err(WixError::invalid(
                "query.sort.fieldName",
                "must be createdDate, updatedDate, displayName or trashedDate",
                "INVALID_ENUM_VALUE",
            ));
        }
        let asc = match item.get("order").and_then(Value::as_str) {
            None | Some("ASC") => true,
            Some("DESC") => false,
            Some(_) => {
                return Err(WixError::invalid(
                    "query.sort.order",
                    "must be ASC or DESC",
                    "INVALID_ENUM_VALUE",
                ))
            }
        };
        out.push((field.to_owned(), asc));
    }
    Ok(out)
}

/// The dotted key paths of a JSON object (`query.cursorPaging.cursor`), sorted; no values.
fn key_paths(map: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in map {
        let path = format!("{prefix}{k}");
        match v {
            Value::Object(inner) if !inner.is_empty() && !prefix.contains("filter") => {
                key_paths(inner, &format!("{path}."), out)
            }
            _ => out.push(path),
        }
    }
}

pub async fn query_sites(
    State(state): State<AppState>,
    log: Option<Extension<Arc<LogEntry>>>,
    headers: HeaderMap,
    body: Bytes,
) -> WixResult<Json<Value>> {
    let ctx = account_level(&state, &headers, Scope::ReadSites)?;
    let body = wire::json_object(&body)?;
    if let Some(Extension(entry)) = log {
        let mut paths = Vec::new();
        key_paths(&body, "", &mut paths);
        paths.sort();
        entry.set_body_keys(paths);
    }
    let empty = Map::new();
    let mut fields = Fields::new(&body, "");
    let query = fields.object("query").unwrap_or(&empty);
    fields.finish()?;
    let mut q = Fields::new(query, "query.");
    let filter = q.object("filter").cloned().unwrap_or_default();
    let cursor_paging = q.object("cursorPaging");
    let paging = q.object("paging");
    q.finish()?;
    let mut p = Fields::new(
        cursor_paging.or(paging).unwrap_or(&empty),
        "query.cursorPaging.",
    );
    let raw_limit = p.int64("limit");
    let raw_cursor = p.string("cursor", 10_000);
    let raw_offset = paging.and_then(|o| o.get("offset")).and_then(Value::as_i64);
    p.finish()?;
    let limit = wire::limit(raw_limit, DEFAULT_LIMIT, MAX_LIMIT);

    let sent_cursor = raw_cursor.filter(|c| !c.is_empty());
    let cursor = match &sent_cursor {
        Some(c) => wire::decode_cursor::<Cursor>(c, "query.cursorPaging.cursor")?,
        None => {
            let mut filter = filter;
            // Live Wix lists only `WIX` sites unless the filter asks about the namespace.
            filter
                .entry("namespace")
                .or_insert_with(|| Value::String(DEFAULT_NAMESPACE.into()));
            Cursor {
                filter,
                sort: parse_sort(query)?,
                offset: raw_offset.unwrap_or(0).max(0) as usize,
            }
        }
    };

    let mut sites: Vec<Value> = {
        let store = state.store();
        store
            .sites
            .iter()
            .filter(|s| s.account_id == ctx.account_id)
            .filter(|s| {
                ctx.key
                    .site_access
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&s.id))
            })
            .map(|s| site_json(s, &state.base_url))
            .collect()
    };
    let mut kept = Vec::new();
    for site in sites.drain(..) {
        if site_matches(&site, &cursor.filter)? {
            kept.push(site);
        }
    }
    kept.sort_by(|a, b| {
        for (field, asc) in &cursor.sort {
            let ord = a[field].as_str().cmp(&b[field].as_str());
            let ord = if *asc { ord } else { ord.reverse() };
            if ord.is_ne() {
                return ord;
            }
        }
        a["id"].as_str().cmp(&b["id"].as_str())
    });
    kept.truncate(MAX_SITES);
    let total = kept.len();
    let page: Vec<Value> = kept.into_iter().skip(cursor.offset).take(limit).collect();
    let end = cursor.offset + page.len();
    let has_next = end < total;
    let next = has_next.then(|| {
        wire::encode_cursor(&Cursor {
            filter: cursor.filter,
            sort: cursor.sort,
            offset: end,
        })
    });
    let mut cursors = Map::new();
    if let Some(next) = next {
        cursors.insert("next".into(), Value::String(next));
    }
    let count = page.len();
    let mut echo = json!({ "limit": limit });
    if let Some(c) = sent_cursor {
        echo["cursor"] = Value::String(c);
    }
    Ok(Json(json!({
        "sites": page,
        "cursorPaging": echo,
        "metadata": { "count": count, "cursors": cursors, "hasNext": has_next },
    })))
}
