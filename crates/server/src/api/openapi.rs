//! The OpenAPI 3 document of every route, generated from the handlers'
//! `#[utoipa::path]` attributes (collected by the routers' `routes!`, see
//! `api::documented`) and the wire types' `ToSchema` derives, and served at
//! `GET /api/v1/openapi.json`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::Json;
use utoipa::openapi::schema::{AdditionalProperties, Object, Schema};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, ToResponse};
use wicket_model::WicketError;

use super::v1;

/// What the document says besides its paths, which the routers add.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wicket server API",
        version = env!("CARGO_PKG_VERSION"),
        description = "The console API (`/api/v1`, staff with a bearer token) and the sandbox platform's \
            subscriber web app (`/s`, a browser known by its `wicket_sandbox` cookie). Every error is a \
            `WicketError`; besides the answers listed, any route may answer 500 with code `internal`.",
    ),
    components(
        schemas(
            WicketError,
            wicket_model::layout::Layout,
            wicket_model::conversation::Message,
            wicket_model::sync::PushRequest,
            wicket_model::sync::PullResponse,
            wicket_model::Change,
            wicket_model::Mutation,
            crate::LiveEvent,
            v1::live::FromConsole,
        ),
        responses(Unauthorized, Forbidden, NotFound, Conflict, TooLarge, Invalid, RateLimited),
    ),
    tags(
        (name = "meta", description = "The server itself and this document."),
        (name = "sessions", description = "Staff sign-in and sessions."),
        (name = "sync", description = "The console's sync protocol: numbered mutations in, the change feed out."),
        (name = "live", description = "The staff WebSocket: feed positions and presence."),
        (name = "layouts", description = "Layout drafts, publishing, versions and rolling back."),
        (name = "inbox", description = "Conversations, messages and subscribers, for staff."),
        (name = "staff", description = "Staff members and their roles, for owners and administrators."),
        (name = "sandbox", description = "The built-in sandbox platform: the subscriber web app and its API."),
        (name = "wechat", description = "WeChat official accounts: the connection (owners and administrators) and WeChat's callbacks."),
        (name = "alipay", description = "Alipay 生活号: the connection (owners and administrators) and Alipay's application gateway."),
    ),
)]
pub struct ApiDoc;

/// The bearer token of staff routes and the sandbox's visitor cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The `token` that `POST /api/v1/sessions` answers with."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "wicket_sandbox",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "wicket_sandbox",
                "The sandbox browser's subscriber identity. Optional: a browser without it (or with an unknown \
                 one) becomes a new subscriber and gets it in `Set-Cookie`.",
            ))),
        );
    }
}

/// utoipa writes an internally tagged variant that holds a struct
/// (`ModuleKind::Notice(NoticeProps)`) as `allOf: [{$ref: NoticeProps},
/// {kind}]`. Where the struct refuses unknown fields (`additionalProperties:
/// false`), nothing matches both: the tag is unknown to the struct. Serde
/// takes the tag off first and accepts `{"kind": "notice", …}`, so such a
/// variant is written as the struct's own schema with the tag added.
struct TagsIntoStrictVariants;

impl Modify for TagsIntoStrictVariants {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else { return };
        let strict: BTreeMap<String, Object> = components
            .schemas
            .iter()
            .filter_map(|(name, schema)| match schema {
                RefOr::T(Schema::Object(object))
                    if matches!(
                        object.additional_properties.as_deref(),
                        Some(AdditionalProperties::FreeForm(false))
                    ) =>
                {
                    Some((format!("#/components/schemas/{name}"), object.clone()))
                }
                _ => None,
            })
            .collect();
        for schema in components.schemas.values_mut() {
            let RefOr::T(Schema::OneOf(one_of)) = schema else { continue };
            for variant in &mut one_of.items {
                if let Some(merged) = with_tag(variant, &strict) {
                    *variant = RefOr::T(Schema::Object(merged));
                }
            }
        }
    }
}

/// Every route of the sandbox's API may answer 429 (`rate_limited`, with
/// `Retry-After`): `sandbox::guard` limits requests and bytes per address in
/// front of all of them, so the handlers' own lists do not show it.
struct SandboxRateLimit;

impl Modify for SandboxRateLimit {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/s/api/") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                operation
                    .responses
                    .responses
                    .entry("429".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("RateLimited")));
            }
        }
    }
}

/// The strict struct of an `allOf: [{$ref}, {tag}]` variant, with the tag.
fn with_tag(variant: &RefOr<Schema>, strict: &BTreeMap<String, Object>) -> Option<Object> {
    let RefOr::T(Schema::AllOf(all_of)) = variant else { return None };
    let [RefOr::Ref(reference), RefOr::T(Schema::Object(tag))] = all_of.items.as_slice() else { return None };
    let mut merged = strict.get(&reference.ref_location)?.clone();
    for (name, property) in &tag.properties {
        merged.properties.insert(name.clone(), property.clone());
    }
    merged.required.extend(tag.required.iter().cloned());
    Some(merged)
}

/// The document without its paths: the routers start from it.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// A route's path as OpenAPI spells it: axum's catch-all `{*path}` is `{path}`.
pub(super) fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

/// The document, built once: the routes' paths and schemas, then the
/// changes above, which need them all.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let mut document = super::openapi_of_routes();
        document.paths.paths = std::mem::take(&mut document.paths.paths)
            .into_iter()
            .map(|(path, item)| (openapi_path(&path), item))
            .collect();
        let modifiers: [&dyn Modify; 3] = [&SecuritySchemes, &TagsIntoStrictVariants, &SandboxRateLimit];
        for modifier in modifiers {
            modifier.modify(&mut document);
        }
        document
    });
    &DOCUMENT
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3 document of this server's API.", body = Object)),
)]
pub async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(document())
}

/// The JSON `null` some routes answer with (`Json(())` in a handler).
pub struct Null;

impl utoipa::PartialSchema for Null {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Null).into()
    }
}

impl utoipa::ToSchema for Null {}

// The shared error answers. They exist only for the document, which names
// them in `components.responses`; handlers answer with `ApiError`.

/// No valid session (`unauthorized`): sign in again.
#[derive(ToResponse)]
pub struct Unauthorized(pub WicketError);

/// Signed in, but the role does not allow this (`forbidden`).
#[derive(ToResponse)]
pub struct Forbidden(pub WicketError);

/// The thing named in the path was not found (`not_found`).
#[derive(ToResponse)]
pub struct NotFound(pub WicketError);

/// It exists already, differently (`conflict`).
#[derive(ToResponse)]
pub struct Conflict(pub WicketError);

/// The body is larger than the route allows (`too_large`).
#[derive(ToResponse)]
pub struct TooLarge(pub WicketError);

/// The input is malformed or breaks a rule (`invalid`); `issues` says which field and why.
#[derive(ToResponse)]
pub struct Invalid(pub WicketError);

/// Too many attempts (`rate_limited`); try again in a minute.
#[derive(ToResponse)]
pub struct RateLimited(pub WicketError);
