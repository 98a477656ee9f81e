//! `POST /api/v1/uploads` and the file URLs it hands out.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::ToSchema;

use crate::auth::identity::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::{self, receive, Attachment};

/// Room for the multipart framing around the file itself.
const FRAMING: u64 = 64 * 1024;

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A JPEG, PNG, WebP or GIF photo, or a PDF.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads one file, unattached until a post or idea names it.
#[utoipa::path(post, path = "/api/v1/uploads", request_body(content = UploadForm, content_type = "multipart/form-data"), responses(
    (status = 201, body = Attachment),
    (status = 413, description = "Over GRAPEVINE_MAX_UPLOAD_MB", body = crate::error::ErrorBody),
    (status = 415, description = "Not a JPEG, PNG, WebP, GIF or PDF", body = crate::error::ErrorBody),
    (status = 422, description = "No file, or an image that cannot be read or has too many pixels", body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.uploads.max_bytes;
    // A body announced far over the limit is refused before it is read.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max + FRAMING) {
        return Err(AppError::PayloadTooLarge);
    }
    let rules = receive::Rules {
        file_fields: &["file"],
        max_file: max as usize,
        max_files: 1,
        csrf: None,
    };
    let file = receive::read(form, rules)
        .await?
        .files
        .pop()
        .ok_or_else(|| AppError::invalid("file_required", "send one part named file"))?;
    let row = uploads::keep(&state, &user, file).await?;
    Ok(HttpResponse::Created().json(Attachment::from(&row)))
}

/// `GET /files/{id}`: the file, to who may read it.
pub async fn file(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    serve(state, user, id.into_inner(), req, false).await
}

/// `GET /files/{id}/thumbnail`: its thumbnail (a document's first page or icon).
pub async fn thumbnail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    serve(state, user, id.into_inner(), req, true).await
}

async fn serve(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: i64,
    req: HttpRequest,
    thumb: bool,
) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let (row, bytes) = db::run(&state.pool, move |c| {
        let row = uploads::readable(c, &user, id)?;
        let hash = if thumb { &row.thumb_hash } else { &row.hash };
        let bytes = st.store.get(c, hash)?.ok_or(AppError::NotFound)?;
        Ok((row, bytes))
    })
    .await?;
    let (hash, content_type) = if thumb {
        (&row.thumb_hash, row.thumb_type.as_str())
    } else {
        (&row.hash, row.content_type.as_str())
    };
    let etag = format!("\"{hash}\"");
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    // Access can be withdrawn (a post hidden): browsers ask again each time.
    res.insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::ETAG, etag))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "sandbox"));
    if fresh {
        return Ok(res.finish());
    }
    let disposition = if !thumb && row.kind == "document" {
        "attachment"
    } else {
        "inline"
    };
    let name = if thumb {
        format!("thumbnail-{}", row.name)
    } else {
        row.name.clone()
    };
    res.insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            header::ContentDisposition {
                disposition: header::DispositionType::from(disposition),
                parameters: vec![header::DispositionParam::FilenameExt(
                    header::ExtendedValue {
                        charset: header::Charset::Ext("UTF-8".into()),
                        language_tag: None,
                        value: name.into_bytes(),
                    },
                )],
            },
        ));
    Ok(res.body(bytes))
}
