//! The OpenAPI document over real HTTP on loopback: it parses, it documents
//! exactly the routes the router serves, and what it refers to exists.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::collections::BTreeSet;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::TestServer;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
}

async fn start() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;
    Fixture { server, http: reqwest::Client::new() }
}

impl Fixture {
    /// The document, as a client fetches it.
    async fn document(&self) -> Value {
        let url = format!("{}/api/v1/openapi.json", self.server.base_url());
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the document needs no sign-in");
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "served as JSON, not {content_type}");
        let text = response.text().await.unwrap();
        let _typed: utoipa::openapi::OpenApi =
            serde_json::from_str(&text).expect("the document is an OpenAPI document");
        serde_json::from_str(&text).expect("the document is JSON")
    }
}

/// Fetches the document from a server started on loopback.
async fn fetch_document() -> Value {
    let f = start().await;
    let document = f.document().await;
    f.server.stop().await;
    document
}

/// Every (METHOD, path) the document has an operation for.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item is an object");
            item.keys()
                .filter(|key| METHODS.contains(&key.as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

fn operation<'d>(document: &'d Value, method: &str, path: &str) -> &'d Value {
    let found = &document["paths"][path][method.to_lowercase()];
    assert!(found.is_object(), "{method} {path} is documented");
    found
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_router_serves() {
    let document = fetch_document().await;
    assert!(document["openapi"].as_str().unwrap_or_default().starts_with("3."), "an OpenAPI 3 document");
    assert_eq!(document["info"]["title"], "Wicket server API");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));

    let served: BTreeSet<(String, String)> =
        wicket_server::api::route_list().into_iter().map(|(method, path)| (method.to_owned(), path)).collect();
    // The list comes from the routers' own tables; a few anchors make sure it
    // is the real thing and not, say, empty.
    for anchor in [
        ("GET", "/api/v1/openapi.json"),
        ("PUT", "/api/v1/accounts/{account}/layout/draft"),
        ("GET", "/api/v1/live"),
        ("GET", "/s/assets/{path}"),
        ("POST", "/s/api/{account}/messages"),
        ("GET", "/s/api/{account}/live"),
    ] {
        assert!(served.contains(&(anchor.0.to_owned(), anchor.1.to_owned())), "the router serves {anchor:?}");
    }
    assert_eq!(served.len(), wicket_server::api::route_list().len(), "no route is registered twice");

    let documented = operations(&document);
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "routes without documentation: {undocumented:?}; documentation without a route: {unserved:?}"
    );
}

/// The router serves every path the document lists, placeholders filled in
/// (the catch-all `{path}` with a `/` in it): a method the path does not
/// have is refused with 405, which only a matched route answers (an
/// unmatched path is 404).
#[tokio::test]
async fn the_router_serves_every_documented_path() {
    let f = start().await;
    let document = f.document().await;
    let paths = document["paths"].as_object().expect("the document has paths");
    for (path, item) in paths {
        assert!(item.get("trace").is_none(), "{path}: TRACE is the method no route has");
        let url: Vec<&str> = path
            .split('/')
            .map(|segment| match segment {
                "{path}" => "nested/file.js",
                s if s.starts_with('{') => "x",
                s => s,
            })
            .collect();
        let url = format!("{}{}", f.server.base_url(), url.join("/"));
        let response = f.http.request(reqwest::Method::TRACE, &url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "TRACE {url}: {path} is routed");
    }
    f.server.stop().await;
}

#[tokio::test]
async fn every_operation_is_complete_and_every_reference_resolves() {
    let document = fetch_document().await;
    let mut operation_ids = BTreeSet::new();
    for (method, path) in operations(&document) {
        let op = operation(&document, &method, &path);
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has an operationId"));
        assert!(operation_ids.insert(id.to_owned()), "operationId {id} is used once");
        assert!(op["responses"]["200"].is_object() || op["responses"]["101"].is_object(), "{method} {path} succeeds");

        // Path parameters are exactly the path's placeholders.
        let placeholders: BTreeSet<String> =
            path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).map(str::to_owned).collect();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: BTreeSet<String> =
            params.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(in_path, placeholders, "{method} {path}: path parameters");

        // Staff routes need the bearer token; the sandbox's API knows the cookie.
        let public = matches!(
            (method.as_str(), path.as_str()),
            ("GET", "/api/v1/health")
                | ("GET", "/api/v1/ready")
                | ("GET", "/api/v1/openapi.json")
                | ("POST", "/api/v1/sessions")
        );
        let security = op["security"].to_string();
        if path.starts_with("/api/v1") && !public {
            assert!(security.contains("\"bearer\""), "{method} {path} needs the bearer token");
            assert!(op["responses"]["401"].is_object(), "{method} {path} documents 401");
        } else if path.starts_with("/s/api/") {
            assert!(security.contains("\"wicket_sandbox\""), "{method} {path} documents the cookie");
        } else {
            assert!(op["security"].is_null(), "{method} {path} is public");
        }
    }

    let mut references = Vec::new();
    collect_refs(&document, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("{reference} is local"));
        assert!(document.pointer(pointer).is_some(), "{reference} resolves");
    }

    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(
        (&schemes["wicket_sandbox"]["in"], &schemes["wicket_sandbox"]["name"]),
        (&"cookie".into(), &"wicket_sandbox".into())
    );
}

#[tokio::test]
async fn the_wire_types_are_components() {
    let document = fetch_document().await;
    let schemas = document["components"]["schemas"].as_object().expect("the document has schemas");
    for name in ["Layout", "Message", "WicketError", "PushRequest", "PullResponse", "Mutation", "Change", "LiveEvent"] {
        assert!(schemas.contains_key(name), "components.schemas has {name}");
    }
    // Type aliases (`Millis`, ids) must not turn into schemas of their own.
    for alias in ["i64", "String", "Millis", "AccountId"] {
        assert!(!schemas.contains_key(alias), "no schema named {alias}");
    }

    // A stale save answers 409 with the current draft.
    let conflict = &operation(&document, "PUT", "/api/v1/accounts/{account}/layout/draft")["responses"]["409"];
    assert_eq!(conflict["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/DraftConflict");
    // Errors are `WicketError`s.
    let invalid = &document["components"]["responses"]["Invalid"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(invalid, "#/components/schemas/WicketError");
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => into.push(reference.clone()),
                    _ => collect_refs(value, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, into)),
        _ => {}
    }
}

/// Calls the server and checks the request and the answer against the
/// document's schemas for that operation and status.
struct Client<'f> {
    f: &'f Fixture,
    document: Value,
    token: Option<String>,
    cookie: Option<String>,
}

impl Client<'_> {
    async fn call(&mut self, method: &str, template: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_with(method, template, path, body, None).await
    }

    async fn call_with(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> (u16, Value) {
        let op = operation(&self.document, method, template).clone();
        let url = format!("{}{path}", self.f.server.base_url());
        let mut request = self.f.http.request(method.parse().unwrap(), url);
        if let Some(body) = &body {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{method} {template} documents its body");
            check(&self.document, schema, body, "request").unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            request = request.json(body);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        if let Some(revision) = if_match {
            request = request.header(reqwest::header::IF_MATCH, revision);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        if let Some(set) = response.headers().get(reqwest::header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            assert!(set.starts_with("wicket_sandbox="), "the documented cookie: {set}");
            self.cookie = Some(set.split(';').next().unwrap().to_owned());
        }
        let answer: Value = response.json().await.unwrap();
        let mut documented = &op["responses"][status.to_string()];
        if let Some(reference) = documented["$ref"].as_str() {
            documented = self.document.pointer(reference.strip_prefix('#').unwrap()).unwrap();
        }
        let schema = &documented["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{method} {template} documents a JSON answer for {status}: {answer}");
        check(&self.document, schema, &answer, "answer").unwrap_or_else(|e| panic!("{method} {path} → {status}: {e}"));
        (status, answer)
    }
}

#[tokio::test]
async fn requests_and_answers_match_the_documented_schemas() {
    let f = start().await;
    let mut api = Client { f: &f, document: f.document().await, token: None, cookie: None };
    let sessions = "/api/v1/sessions";

    assert_eq!(api.call("GET", "/api/v1/health", "/api/v1/health", None).await.0, 200);
    assert_eq!(api.call("GET", "/api/v1/me", "/api/v1/me", None).await.0, 401);
    let wrong = json!({"login": "boss", "password": "nope"});
    assert_eq!(api.call("POST", sessions, sessions, Some(wrong)).await.0, 401);
    let right = json!({"login": "boss", "password": "correct horse battery"});
    let (status, signed_in) = api.call("POST", sessions, sessions, Some(right)).await;
    assert_eq!(status, 200);
    api.token = Some(signed_in["token"].as_str().unwrap().to_owned());
    assert_eq!(api.call("GET", "/api/v1/me", "/api/v1/me", None).await.0, 200);

    let (_, templates) = api.call("GET", "/api/v1/templates", "/api/v1/templates", None).await;
    let layout = templates[0]["layout"].clone();

    let create = json!({"client_id": "c1", "mutations": [{"id": 1, "mutation": {"name": "create_account", "args": {
        "id": "a", "name": "Noodle House", "platform": "wechat", "category": "Food", "description": "",
        "avatar_color": "#fa8c16"}}}]});
    let (_, pushed) = api.call("POST", "/api/v1/push", "/api/v1/push", Some(create)).await;
    assert!(pushed["rejected"].as_array().unwrap().is_empty(), "{pushed}");
    let bad = json!({"client_id": "", "mutations": []});
    assert_eq!(api.call("POST", "/api/v1/push", "/api/v1/push", Some(bad)).await.0, 422);

    let draft = "/api/v1/accounts/{account}/layout/draft";
    assert_eq!(api.call("GET", draft, "/api/v1/accounts/a/layout/draft", None).await.0, 200);
    let save = json!({ "layout": layout });
    let at = "/api/v1/accounts/a/layout/draft";
    assert_eq!(api.call_with("PUT", draft, at, Some(save.clone()), Some("0")).await.0, 200);
    let (status, stale) = api.call_with("PUT", draft, at, Some(save), Some("0")).await;
    assert_eq!((status, stale["current"]["revision"].as_i64()), (409, Some(1)), "a stale save gets the draft");
    let publish = "/api/v1/accounts/{account}/layout/publish";
    let (status, published) =
        api.call("POST", publish, "/api/v1/accounts/a/layout/publish", Some(json!({"revision": 1}))).await;
    assert_eq!(status, 200, "{published}");
    let versions = "/api/v1/accounts/{account}/layout/versions";
    assert_eq!(api.call("GET", versions, "/api/v1/accounts/a/layout/versions", None).await.0, 200);
    let version = "/api/v1/accounts/{account}/layout/versions/{version}";
    assert_eq!(api.call("GET", version, "/api/v1/accounts/a/layout/versions/1", None).await.0, 200);
    assert_eq!(api.call("GET", version, "/api/v1/accounts/a/layout/versions/9", None).await.0, 404);

    // A subscriber, in the sandbox web app.
    let said = json!({"client_msg_id": "m1", "body": {"type": "text", "text": "hello"}});
    let messages = "/s/api/{account}/messages";
    assert_eq!(api.call("POST", messages, "/s/api/a/messages", Some(said)).await.0, 200);
    assert!(api.cookie.is_some(), "a first visit gets the cookie");
    assert_eq!(api.call("GET", "/s/api/{account}/view", "/s/api/a/view", None).await.0, 200);
    assert_eq!(api.call("GET", "/s/api/{account}/view", "/s/api/nope/view", None).await.0, 404);
    assert_eq!(api.call("GET", messages, "/s/api/a/messages?after=0", None).await.0, 200);
    let tap = json!({"event": "menu_tap", "key": "k1", "label": "Menu"});
    assert_eq!(api.call("POST", "/s/api/{account}/events", "/s/api/a/events", Some(tap)).await.0, 200);
    assert_eq!(api.call("POST", "/s/api/{account}/follow", "/s/api/a/follow", None).await.0, 200);

    // Staff answer.
    let (_, inbox) = api.call("GET", "/api/v1/conversations", "/api/v1/conversations", None).await;
    let conversation = inbox["conversations"][0]["id"].as_str().unwrap().to_owned();
    let thread = "/api/v1/conversations/{conversation}/messages";
    let at = format!("/api/v1/conversations/{conversation}/messages");
    let reply = json!({"client_msg_id": "r1", "body": {"type": "text", "text": "Welcome!"}});
    assert_eq!(api.call("POST", thread, &at, Some(reply)).await.0, 200);
    assert_eq!(api.call("GET", thread, &at, None).await.0, 200);
    let (_, subscribers) = api.call("GET", "/api/v1/subscribers", "/api/v1/subscribers?account_id=a", None).await;
    let subscriber = subscribers["subscribers"][0]["id"].as_str().unwrap().to_owned();
    let one = format!("/api/v1/subscribers/{subscriber}");
    assert_eq!(api.call("GET", "/api/v1/subscribers/{subscriber}", &one, None).await.0, 200);

    let (_, pulled) = api.call("GET", "/api/v1/changes", "/api/v1/changes?client_id=c1", None).await;
    let kinds: BTreeSet<&str> =
        pulled["changes"].as_array().unwrap().iter().filter_map(|c| c["change"]["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["account", "conversation", "message", "subscriber"]),
        "every kind of change was checked"
    );

    let out = "/api/v1/sessions/current";
    assert_eq!(api.call("DELETE", out, out, None).await.0, 200);
    f.server.stop().await;
}

/// A small JSON Schema check, enough for what the document uses: `$ref`,
/// `type`, `enum`, `properties`, `required`, `additionalProperties: false`,
/// `items`, `prefixItems`, `oneOf`, `allOf`, `anyOf`.
fn check(document: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{at}: nothing is allowed here")),
        _ => {}
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let target = document.pointer(reference.trim_start_matches('#')).ok_or(format!("{reference} is missing"))?;
        return check(document, target, value, at);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| is_type(t, value)) {
        return Err(format!("{at}: {value} is not of type {types:?}"));
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Value::Object(object) = value {
        for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(required) {
                return Err(format!("{at}: `{required}` is missing"));
            }
        }
        for (key, field) in object {
            match schema["properties"].get(key) {
                Some(property) => check(document, property, field, &format!("{at}.{key}"))?,
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    return Err(format!("{at}: `{key}` is not allowed"));
                }
                None => {}
            }
        }
    }
    if let Value::Array(items) = value {
        for (i, item) in items.iter().enumerate() {
            let prefix = schema["prefixItems"].as_array().and_then(|prefix| prefix.get(i));
            if let Some(item_schema) = prefix.or(schema.get("items")) {
                check(document, item_schema, item, &format!("{at}[{i}]"))?;
            }
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        check(document, part, value, at)?;
    }
    if let Some(any) = schema["anyOf"].as_array() {
        if !any.iter().any(|option| check(document, option, value, at).is_ok()) {
            return Err(format!("{at}: {value} matches none of anyOf"));
        }
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let errors: Vec<String> = one.iter().filter_map(|option| check(document, option, value, at).err()).collect();
        if errors.len() + 1 != one.len() {
            return Err(format!("{at}: {value} matches {} of oneOf: {errors:?}", one.len() - errors.len()));
        }
    }
    Ok(())
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// Found by schemathesis (`make test-api`, status-code conformance): the
/// sandbox's API answers 429 when one address sends too much, and no
/// operation said so, so a client built from the document had no answer
/// for it.
#[tokio::test]
async fn the_sandbox_apis_rate_limit_is_documented() {
    let server = TestServer::start_with(
        Arc::new(ManualClock::at(1_700_000_000_000)),
        ServerOptions { sandbox_requests_per_minute: 1, ..ServerOptions::default() },
    )
    .await;
    let f = Fixture { server, http: reqwest::Client::new() };
    let document = f.document().await;
    let mut api = Client { f: &f, document: document.clone(), token: None, cookie: None };
    let view = "/s/api/{account}/view";
    assert_eq!(api.call("GET", view, "/s/api/nope/view", None).await.0, 404, "the first request is let through");
    let (status, answer) = api.call("GET", view, "/s/api/nope/view", None).await;
    assert_eq!((status, answer["code"].as_str()), (429, Some("rate_limited")), "the second is over the limit");

    let sandbox_api: Vec<_> =
        operations(&document).into_iter().filter(|(_, path)| path.starts_with("/s/api/")).collect();
    assert!(sandbox_api.len() >= 7, "the sandbox's API is documented: {sandbox_api:?}");
    for (method, path) in sandbox_api {
        assert_eq!(
            operation(&document, &method, &path)["responses"]["429"]["$ref"],
            "#/components/responses/RateLimited",
            "{method} {path} documents 429"
        );
    }
    f.server.stop().await;
}
