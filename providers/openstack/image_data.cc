// Getting an image's data into Glance: upload, web-download import, or fetch-and-upload.
//
/// Glance offers two ways in: PUT /v2/images/{id}/file with the bytes, and the interoperable
/// import, whose `web-download` method lets Glance fetch a URL itself (no data through the
/// client). Operators restrict web-download (ports 80/443 only by default, host lists), and
/// some clouds do not offer it; then capstan downloads the URL itself and uploads it, so a
/// `source_url` works everywhere. Either way the wait for `active` reports progress.
#include <fstream>
#include <iterator>

#include "engine/hash.h"
#include "providers/openstack/attr_norm.h"
#include "providers/openstack/image.h"
#include "providers/openstack/wait.h"

namespace capstan::openstack {
namespace {

/// Transfers of images are big; a minute is not enough.
constexpr int kTransferTimeoutSeconds = 3600;

Status Upload(Session& session, const CallContext& ctx, const std::string& id, std::string data) {
  ctx.Progress("uploading image data (" + std::to_string(data.size()) + " bytes)");
  ApiCall call = ApiCall::Put("image", "/v2/images/" + id + "/file", Value());
  call.raw_body = std::move(data);
  call.content_type = "application/octet-stream";
  call.timeout_seconds = kTransferTimeoutSeconds;
  auto resp = session.Send(call, ctx.cancel);
  return resp.ok() ? Status() : resp.diags();
}

bool OffersWebDownload(Session& session, const CallContext& ctx) {
  auto info = session.Json(ApiCall::Get("image", "/v2/info/import"), ctx.cancel);
  if (!info.ok() || !info->is_object()) return false;
  Value methods = info->value("import-methods", Value::object()).value("value", Value::array());
  for (const Value& m : methods) {
    if (m == "web-download") return true;
  }
  return false;
}

/// Starts a web-download import. Ok(false) when Glance refuses the URL (filtering).
Result<bool> StartWebDownload(Session& session, const CallContext& ctx, const std::string& id,
                              const std::string& url) {
  ApiCall call = ApiCall::Post("image", "/v2/images/" + id + "/import",
                               {{"method", {{"name", "web-download"}, {"uri", url}}}});
  call.ok_statuses = {400, 403};
  auto resp = session.Send(call, ctx.cancel);
  if (!resp.ok()) return resp.diags();
  if (resp->status == 400 || resp->status == 403) {
    ctx.Progress("Glance will not fetch the URL itself (" + ExtractCloudMessage(resp->body) +
                 "); downloading it here");
    return false;
  }
  return true;
}

/// Waits for a web-download import. Ok(false) when the import task failed (the image is
/// queued again and can still take an upload).
Result<bool> WaitImport(Session& session, const CallContext& ctx, const std::string& id) {
  bool failed = false;
  bool seen_importing = false;
  WaitSpec spec{"image import", kTransferTimeoutSeconds};
  Status st = WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
    auto image = session.Json(ApiCall::Get("image", "/v2/images/" + id), ctx.cancel);
    if (!image.ok()) return image.diags();
    std::string status = StrAt(*image, "status");
    if (status == "active") return WaitStep{true, status};
    if (status == "killed" || status == "deleted") {
      return Result<WaitStep>::Fail("image " + id + " went " + status + " during the import");
    }
    if (status == "importing") seen_importing = true;
    if (status == "queued" &&
        (seen_importing || !StrAt(*image, "os_glance_failed_import").empty())) {
      failed = true;  // Back to queued: the task failed.
      return WaitStep{true, status};
    }
    return WaitStep{false, status};
  });
  if (st.HasErrors()) return st;
  return !failed;
}

}  // namespace

Status WaitImageActive(Session& session, const CallContext& ctx, const std::string& id) {
  WaitSpec spec{"image active", kTransferTimeoutSeconds};
  return WaitUntil(ctx, spec, [&]() -> Result<WaitStep> {
    auto image = session.Json(ApiCall::Get("image", "/v2/images/" + id), ctx.cancel);
    if (!image.ok()) return image.diags();
    std::string status = StrAt(*image, "status");
    if (status == "active") return WaitStep{true, status};
    if (status == "killed" || status == "deleted" || status == "pending_delete") {
      return Result<WaitStep>::Fail("image " + id + " went " + status + " instead of active",
                                    "Glance could not store the data; see its log.");
    }
    return WaitStep{false, status};
  });
}

Result<std::string> LoadImageData(Session& session, const CallContext& ctx, const std::string& id,
                                  const Value& props) {
  std::string data;
  if (HasValue(props, "source_file")) {
    std::string path = StrAt(props, "source_file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Result<std::string>::Fail("cannot read image file " + path);
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::string url = StrAt(props, "source_url");
    if (url.empty())
      return Result<std::string>::Fail("image has neither source_file nor source_url");
    if (OffersWebDownload(session, ctx)) {
      auto started = StartWebDownload(session, ctx, id, url);
      if (!started.ok()) return started.diags();
      if (*started) {
        auto imported = WaitImport(session, ctx, id);
        if (!imported.ok()) return imported.diags();
        if (*imported) return std::string();
        ctx.Progress("Glance's web-download import failed; downloading the URL here");
      }
    }
    // No token goes to the URL's host: a plain request, not through the session.
    HttpRequest get;
    get.url = url;
    get.headers.emplace_back("Accept", "*/*");
    get.timeout_seconds = kTransferTimeoutSeconds;
    ctx.Progress("downloading " + UrlPath(url));
    auto resp = session.http().Send(get, ctx.cancel);
    if (!resp.ok()) {
      Diagnostics d;
      d.Error("cannot download the image source_url", resp.diags().ToString());
      return d;
    }
    data = std::move(resp->body);
  }
  std::string sha = Sha256Hex(data);
  if (HasValue(props, "source_sha256") && StrAt(props, "source_sha256") != sha) {
    return Result<std::string>::Fail("the image data's sha256 is " + sha +
                                     ", not the source_sha256 configured (" +
                                     StrAt(props, "source_sha256") + ")");
  }
  Status st = Upload(session, ctx, id, std::move(data));
  if (st.HasErrors()) return st;
  st = WaitImageActive(session, ctx, id);
  if (st.HasErrors()) return st;
  return sha;
}

}  // namespace capstan::openstack
