//! Photos made safe and light: decoded under limits (a decompression bomb
//! is refused from its header), turned upright from the EXIF orientation,
//! capped in size and re-encoded, which drops every metadata block (EXIF,
//! GPS, XMP, maker notes, comments). A thumbnail comes from the same pixels.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{
    DynamicImage, ImageDecoder, ImageEncoder, ImageError, ImageFormat, ImageReader, Limits,
};

use crate::error::AppError;

/// Images declaring more pixels are refused before they are decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The long side of a stored image.
pub const MAX_SIDE: u32 = 2560;
/// The long side of a thumbnail.
pub const THUMB_SIDE: u32 = 400;
/// Decoding may allocate at most this much.
const MAX_ALLOC: u64 = 400 * 1024 * 1024;

pub struct Encoded {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

pub struct Picture {
    pub full: Encoded,
    pub thumb: Encoded,
}

fn unreadable(e: ImageError) -> AppError {
    match e {
        ImageError::Limits(_) => too_large(),
        other => AppError::invalid(
            "unreadable_image",
            format!("this image cannot be read: {other}"),
        ),
    }
}

fn too_large() -> AppError {
    AppError::invalid(
        "image_too_large",
        format!(
            "this image has too many pixels: at most {} megapixels",
            MAX_PIXELS / 1_000_000
        ),
    )
}

/// Decodes, turns upright, caps and re-encodes an image of `format`.
pub fn process(bytes: &[u8], format: ImageFormat) -> Result<Picture, AppError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w == 0 || h == 0 {
        return Err(too_large());
    }
    // A broken EXIF block only loses the orientation, not the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    // JPEGs stay JPEGs; other formats keep transparency as PNG when they have it.
    let alpha = format != ImageFormat::Jpeg && decoded.color().has_alpha();
    let pixels = if alpha {
        DynamicImage::ImageRgba8(decoded.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(decoded.into_rgb8())
    };
    let mut full = shrink(pixels, MAX_SIDE)?;
    full.apply_orientation(orientation);
    let thumb = shrink_copy(&full, THUMB_SIDE)?;
    Ok(Picture {
        full: encode(&full, alpha, 85)?,
        thumb: encode(&thumb, alpha, 80)?,
    })
}

/// A thumbnail of a picture drawn here (a document's first page).
pub fn thumbnail(img: image::RgbImage) -> Result<Encoded, AppError> {
    let small = shrink(DynamicImage::ImageRgb8(img), THUMB_SIDE)?;
    encode(&small, false, 80)
}

/// The image with its long side at most `side`.
fn shrink(img: DynamicImage, side: u32) -> Result<DynamicImage, AppError> {
    if img.width().max(img.height()) <= side {
        return Ok(img);
    }
    shrink_copy(&img, side)
}

/// A copy of the image with its long side at most `side`.
fn shrink_copy(img: &DynamicImage, side: u32) -> Result<DynamicImage, AppError> {
    let (w, h) = (img.width(), img.height());
    let long = w.max(h);
    if long <= side {
        return Ok(img.clone());
    }
    let scale = f64::from(side) / f64::from(long);
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    let mut out = DynamicImage::new(nw, nh, img.color());
    Resizer::new()
        .resize(
            img,
            &mut out,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom)),
        )
        .map_err(|e| AppError::Internal(anyhow::anyhow!("resize: {e}")))?;
    Ok(out)
}

fn encode(img: &DynamicImage, alpha: bool, quality: u8) -> Result<Encoded, AppError> {
    let mut bytes = Vec::new();
    let (w, h) = (img.width(), img.height());
    let fail = |e: ImageError| AppError::Internal(anyhow::anyhow!("encode: {e}"));
    let content_type = if alpha {
        PngEncoder::new(&mut bytes)
            .write_image(img.as_bytes(), w, h, img.color().into())
            .map_err(fail)?;
        "image/png"
    } else {
        JpegEncoder::new_with_quality(&mut bytes, quality)
            .write_image(img.as_bytes(), w, h, img.color().into())
            .map_err(fail)?;
        "image/jpeg"
    };
    Ok(Encoded {
        bytes,
        content_type,
        width: w,
        height: h,
    })
}

/// The thumbnail of a document that cannot be drawn: a page with lines
/// and a red band, made once.
pub fn document_icon() -> &'static Encoded {
    static ICON: std::sync::OnceLock<Encoded> = std::sync::OnceLock::new();
    ICON.get_or_init(|| {
        let (w, h) = (240u32, 320u32);
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let border = x < 4 || y < 4 || x >= w - 4 || y >= h - 4;
            let band = (24..72).contains(&y) && (24..140).contains(&x);
            let line = y > 100 && (y - 100) % 28 < 8 && (28..w - 28).contains(&x);
            if border {
                image::Rgb([120, 120, 130])
            } else if band {
                image::Rgb([200, 40, 40])
            } else if line {
                image::Rgb([200, 200, 210])
            } else {
                image::Rgb([250, 250, 252])
            }
        });
        encode(&DynamicImage::ImageRgb8(img), false, 85).expect("the icon encodes")
    })
}
