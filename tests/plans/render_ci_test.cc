// The CI renderers: Markdown comments, JUnit reports and GitHub annotations for drift and
// plans (plans/render_markdown.h, render_junit.h, render_github.h, text_escape.h).
//
/// Goldens pin the layouts; the hostile-value tests feed addresses, attribute names and
/// values full of `<`, `&`, backticks, `|`, quotes and newlines and check that none of
/// them escapes its XML attribute, table cell, details block or workflow command.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "golden.h"
#include "plans/render_github.h"
#include "plans/render_junit.h"
#include "plans/render_markdown.h"
#include "plans/text_escape.h"
#include "sample_plans.h"

namespace capstan {
namespace {

using testing::CheckGolden;
using testing::FullPlan;
using testing::kSecret;
using testing::MakeChange;

/// A drift check of four objects: one changed (a secret among its attributes), one
/// deleted, one whose only difference is controller-owned, one clean.
Plan DriftPlan() {
  Plan p;
  p.stack = "demo";
  p.mode = PlanMode::kRefreshOnly;
  for (const char* a : {"openstack.network.main", "openstack.floating_ip.fip",
                        "openstack.server.mgmt", "local.file.f"}) {
    p.changes.push_back(MakeChange(a, Action::kNoOp, {{"name", "x"}}, {{"name", "x"}}));
  }
  p.changes[2].ignored = {"status (controller-owned)"};
  DriftEntry d;
  d.address = Address::Parse("openstack.network.main").value();
  d.type = "openstack.network";
  d.attributes = {{.path = "description", .before = "", .after = "edited by hand"},
                  {.path = "secret_note", .before = "a", .after = kSecret, .sensitive = true}};
  d.ignored = {"tags (lifecycle.ignore_changes)"};
  DriftEntry gone;
  gone.address = Address::Parse("openstack.floating_ip.fip").value();
  gone.type = "openstack.floating_ip";
  gone.deleted = true;
  p.drift = {d, gone};
  return p;
}

/// One drifted object whose address, attribute name and values are hostile.
constexpr const char* kHostileKey = "a<b>&c`d|e\"f'g";
constexpr const char* kHostileAttr = "x|y`z\n::error::pwned</failure><x>";
constexpr const char* kHostileValue = "</details>\n```\n| cell | <script>&amp;";

Plan HostilePlan() {
  Plan p;
  p.stack = "st<a>ck|`";
  p.mode = PlanMode::kRefreshOnly;
  Address a = Address::Parse("local.file.f").value();
  a.key = std::string(kHostileKey);
  ResourceChange c = MakeChange("local.file.f", Action::kNoOp, Value::object(), Value::object());
  c.address = a;
  p.changes = {c};
  DriftEntry d;
  d.address = a;
  d.type = "local.file";
  d.attributes = {{.path = kHostileAttr, .before = kHostileValue, .after = "ok"}};
  d.ignored = {std::string(kHostileAttr) + " (controller-owned)"};
  p.drift = {d};
  return p;
}

int CountOf(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos;
       pos = hay.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// Pipes not escaped by a backslash: the cell separators a table row really has.
int CellSeparators(const std::string& row) {
  int n = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++n;
  }
  return n;
}

/// Runs xmllint on `xml` when it is installed; returns its exit code, or -1 without it.
int XmlLint(const std::string& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return -1;
  char path[] = "/tmp/capstan-junit-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::FILE* f = fdopen(fd, "w");
  std::fputs(xml.c_str(), f);
  std::fclose(f);
  int rc = std::system(("xmllint --noout " + std::string(path) + " 2>/dev/null").c_str());
  std::remove(path);
  return rc;
}

TEST_CASE("escape: XML entities, control characters and character references") {
  CHECK(render::XmlEscape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;");
  CHECK(render::XmlEscape("l1\nl2\r\t") == "l1&#10;l2&#13;&#9;");
  CHECK(render::XmlEscape(std::string("x\x01y", 3)) == "x\xEF\xBF\xBDy");
}

TEST_CASE("escape: Markdown code spans outlast the backticks inside and escape pipes") {
  CHECK(render::MarkdownCode("plain") == "`plain`");
  CHECK(render::MarkdownCode("a`b") == "``a`b``");
  CHECK(render::MarkdownCode("`x``") == "``` `x`` ```");
  CHECK(render::MarkdownCode("a|b\nc") == "`a\\|b\\nc`");
  CHECK(render::MarkdownText("*a* <b> & [c](d) |") == "\\*a\\* &lt;b&gt; &amp; \\[c\\](d) \\|");
  CHECK(render::MarkdownFence("x ``` y\n", "diff") == "````diff\nx ``` y\n````\n");
}

TEST_CASE("escape: GitHub workflow command data and properties") {
  CHECK(render::GithubData("50% a\r\nb") == "50%25 a%0D%0Ab");
  CHECK(render::GithubProperty("a:b,c%") == "a%3Ab%2Cc%25");
}

TEST_CASE("markdown drift: golden, secrets masked, one details block per drifted object") {
  const std::string out = RenderDriftMarkdown(DriftPlan());
  CheckGolden("drift.md", out);
  CHECK(out.find(kSecret) == std::string::npos);
  CHECK(CountOf(out, "<details>") == 2);
  CHECK(CountOf(out, "</details>") == 2);
  CHECK_THAT(out, Catch::Contains("status (controller-owned)"));
}

TEST_CASE("markdown drift: no drift is one summary line under the heading") {
  Plan p = DriftPlan();
  p.drift.clear();
  p.changes[2].ignored.clear();
  CHECK(RenderDriftMarkdown(p) ==
        "### capstan drift: `demo`\n\n**No drift: 4 objects match their state.**\n\n");
}

TEST_CASE("markdown plan: golden, secrets masked, a details block per changed resource") {
  const std::string out = RenderPlanMarkdown(FullPlan());
  CheckGolden("plan.md", out);
  CHECK(out.find(kSecret) == std::string::npos);
  CHECK_THAT(out, Catch::Contains("**Plan: 3 to add, 1 to change, 3 to destroy.**"));
  // 5 changed resources + 1 drifted + 1 deleted.
  CHECK(CountOf(out, "<details>") == 7);
  CHECK(CountOf(out, "</details>") == 7);
}

TEST_CASE("markdown plan: no changes says so") {
  CHECK_THAT(RenderPlanMarkdown(testing::QuietPlan()),
             Catch::EndsWith("**No changes.** The infrastructure matches the configuration.\n"));
}

TEST_CASE("markdown: hostile addresses and values stay inside their cells and blocks") {
  const std::string out = RenderDriftMarkdown(HostilePlan());
  INFO(out);
  for (const std::string& line : Lines(out)) {
    if (line.rfind("| ", 0) == 0) CHECK(CellSeparators(line) == 5);  // 4 columns
    if (line.rfind("<summary>", 0) == 0 || line.rfind("<details>", 0) == 0) {
      CHECK(line.find("<b>") == std::string::npos);
      CHECK(line.find("&c") == std::string::npos);
    }
  }
  CHECK(CountOf(out, "<details>") == 1);
  int closing = 0;  // the value's "</details>" sits inside the fence, never on its own line
  for (const std::string& line : Lines(out)) closing += (line == "</details>") ? 1 : 0;
  CHECK(closing == 1);
  const size_t script = out.find("<script>");
  const bool only_in_fence = script == std::string::npos || script > out.find("````diff");
  CHECK(only_in_fence);  // the value's markup appears only verbatim inside the code block
  CHECK(out.find("````diff") != std::string::npos);  // fence longer than the ``` inside
}

TEST_CASE("junit drift: golden, one testcase per object, failures name the attributes") {
  const std::string out = RenderDriftJUnit(DriftPlan(), 1.5);
  CheckGolden("drift.junit.xml", out);
  CHECK(out.find(kSecret) == std::string::npos);
  CHECK(CountOf(out, "<testcase ") == 4);
  CHECK(CountOf(out, "<failure ") == 2);
  CHECK_THAT(out,
             Catch::Contains("classname=\"openstack.network\" name=\"openstack.network.main\""));
  CHECK_THAT(out, Catch::Contains("message=\"openstack.network.main changed outside capstan: "
                                  "description, secret_note\""));
  CHECK(XmlLint(out) != 1);  // well-formed when xmllint is installed (-1 without it)
}

TEST_CASE("junit: hostile values are escaped and the document stays well-formed") {
  const std::string out = RenderDriftJUnit(HostilePlan());
  INFO(out);
  CHECK(CountOf(out, "<testcase ") == 1);
  CHECK(CountOf(out, "<failure ") == 1);
  CHECK(CountOf(out, "</failure>") == 1);
  CHECK(out.find("<x>") == std::string::npos);
  CHECK(out.find("<script>") == std::string::npos);
  CHECK_THAT(out, Catch::Contains("a&lt;b&gt;&amp;c`d|e"));
  for (const std::string& line : Lines(out)) {
    // Attribute values never span lines: a raw newline would be normalised away.
    if (line.find("message=\"") != std::string::npos) CHECK(CountOf(line, "\"") % 2 == 0);
  }
  const int lint = XmlLint(out);
  CHECK((lint == 0 || lint == -1));
  CHECK(XmlLint(RenderDriftJUnitError("s<&>", "refresh failed: \"x\" <y>\n&z")) != 1);
}

TEST_CASE("github drift: golden, one warning per attribute and per deleted object") {
  const std::string out = RenderDriftGithub(DriftPlan());
  CheckGolden("drift.github.txt", out);
  CHECK(out.find(kSecret) == std::string::npos);
  CHECK(CountOf(out, "::warning title=drift::") == 3);
  CHECK_THAT(out, Catch::EndsWith("Drift: 1 object changed, 1 deleted outside capstan.\n"));
}

TEST_CASE("github: a hostile attribute name cannot start a second workflow command") {
  const std::vector<std::string> lines = Lines(RenderDriftGithub(HostilePlan()));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("::warning title=drift::", 0) == 0);
  CHECK(lines[0].find("%0A::error::pwned") != std::string::npos);
  for (const std::string& line : lines) CHECK(line.rfind("::error", 0) == std::string::npos);
}

}  // namespace
}  // namespace capstan
