#include "scanner/image_decoder.h"

// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>

#include <ZXing/ReadBarcode.h>
#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cradle::scan {

namespace {

bool StartsWith(const std::string& bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && std::string_view(bytes).substr(0, magic.size()) == magic;
}

Result<GreyImage> DecodePng(const std::string& bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    return Status("BAD_IMAGE", std::string("PNG: ") + image.message);
  }
  image.format = PNG_FORMAT_GRAY;  // libpng converts colour to luminance, alpha onto white
  GreyImage grey;
  grey.width = static_cast<int>(image.width);
  grey.height = static_cast<int>(image.height);
  grey.pixels.resize(PNG_IMAGE_SIZE(image));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&image, &white, grey.pixels.data(), 0, nullptr)) {
    std::string message = image.message;
    png_image_free(&image);
    return Status("BAD_IMAGE", "PNG: " + message);
  }
  return grey;
}

// libjpeg reports fatal errors through error_exit, which must not return: jump back to the
// decoder with the message. Only trivially destructible locals live between setjmp and longjmp.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void JpegErrorExit(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

void JpegSilence(j_common_ptr /*info*/) {}

Status DecodeJpegInto(const std::string& bytes, GreyImage& grey) {
  jpeg_decompress_struct info;
  JpegError error;
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = JpegErrorExit;
  error.manager.output_message = JpegSilence;
  error.message[0] = '\0';
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    return Status("BAD_IMAGE", std::string("JPEG: ") + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_GRAYSCALE;  // libjpeg converts colour to luminance
  jpeg_start_decompress(&info);
  grey.width = static_cast<int>(info.output_width);
  grey.height = static_cast<int>(info.output_height);
  grey.pixels.resize(static_cast<size_t>(grey.width) * static_cast<size_t>(grey.height));
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = grey.pixels.data() +
                   static_cast<size_t>(info.output_scanline) * static_cast<size_t>(grey.width);
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return Status::Ok();
}

}  // namespace

Result<GreyImage> DecodeImageBytes(const std::string& bytes) {
  if (StartsWith(bytes, "\x89PNG\r\n\x1a\n")) return DecodePng(bytes);
  if (StartsWith(bytes, "\xff\xd8\xff")) {
    GreyImage grey;  // outside the setjmp frame: it owns memory
    if (Status s = DecodeJpegInto(bytes, grey); !s.ok()) return s;
    return grey;
  }
  return Status("UNSUPPORTED_IMAGE", "not a PNG or JPEG image");
}

Result<GreyImage> LoadImageFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status("IO_ERROR", "cannot open " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status("IO_ERROR", "cannot read " + path);
  Result<GreyImage> image = DecodeImageBytes(content.str());
  if (!image.ok()) return Status(image.status().code(), path + ": " + image.status().message());
  return image;
}

namespace {

std::vector<std::string> ReadWith(const ZXing::ImageView& view, ZXing::Binarizer binarizer) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryRotate(true);
  hints.setTryHarder(true);
  hints.setBinarizer(binarizer);
  std::vector<std::string> texts;
  for (const ZXing::Result& result : ZXing::ReadBarcodes(view, hints)) {
    if (result.isValid()) texts.push_back(result.text());
  }
  return texts;
}

}  // namespace

std::vector<std::string> ReadQrCodes(const GreyImage& image) {
  std::vector<std::string> texts;
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() < static_cast<size_t>(image.width) * static_cast<size_t>(image.height)) {
    return texts;
  }
  ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  texts = ReadWith(view, ZXing::Binarizer::LocalAverage);
  // The local-average threshold loses small modules smeared by JPEG compression (a label a
  // metre away); one threshold for the whole, evenly lit label still reads them.
  if (texts.empty()) texts = ReadWith(view, ZXing::Binarizer::GlobalHistogram);
  return texts;
}

Result<std::vector<std::string>> ReadQrCodesFromFile(const std::string& path) {
  Result<GreyImage> image = LoadImageFile(path);
  if (!image.ok()) return image.status();
  return ReadQrCodes(*image);
}

}  // namespace cradle::scan
