// JUnit XML drift reports (see plans/render_junit.h).
#include "plans/render_junit.h"

#include <cstdio>

#include "plans/drift_report.h"
#include "plans/render_text.h"
#include "plans/text_escape.h"

namespace capstan {
namespace {

using render::XmlEscape;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

/// "description: "" -> "edited by hand"" lines, sensitive values masked.
std::string FailureText(const DriftEntry& d) {
  std::string out;
  for (const AttributeChange& a : d.attributes) {
    render::Line line;
    render::ChangeLine(a.path, a.before, a.after, a.sensitive, line);
    out += a.path + ": " + line.value + "\n";
  }
  for (const std::string& note : d.ignored) out += "ignored: " + note + "\n";
  return out;
}

std::string Header(const std::string& stack, int tests, int failures, int errors,
                   const std::string& time) {
  const std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\" skipped=\"0\" time=\"" + time + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"capstan drift\"" + counts +
         ">\n  <testsuite name=\"" + XmlEscape("capstan drift: " + stack) + "\"" + counts + ">\n";
}

const char* kFooter = "  </testsuite>\n</testsuites>\n";

}  // namespace

std::string RenderDriftJUnit(const Plan& plan, double seconds) {
  const std::vector<render::CheckedObject> objects = render::CheckedObjects(plan);
  std::string out = Header(plan.stack, static_cast<int>(objects.size()),
                           static_cast<int>(plan.drift.size()), 0, Seconds(seconds));
  for (const render::CheckedObject& o : objects) {
    out += "    <testcase classname=\"" + XmlEscape(o.type) + "\" name=\"" + XmlEscape(o.address) +
           "\"";
    if (o.drift == nullptr && o.ignored.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (o.drift != nullptr && o.drift->deleted) {
      out += "      <failure type=\"drift\" message=\"" +
             XmlEscape(o.address + " was deleted outside capstan") + "\"/>\n";
    } else if (o.drift != nullptr) {
      out += "      <failure type=\"drift\" message=\"" +
             XmlEscape(o.address +
                       " changed outside capstan: " + render::ChangedAttributeList(*o.drift)) +
             "\">" + XmlEscape(FailureText(*o.drift)) + "</failure>\n";
    } else {
      std::string notes;
      for (const std::string& n : o.ignored) notes += "ignored: " + n + "\n";
      out += "      <system-out>" + XmlEscape(notes) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  return out + kFooter;
}

std::string RenderDriftJUnitError(const std::string& stack, const std::string& message) {
  return Header(stack, 1, 0, 1, Seconds(0)) +
         "    <testcase classname=\"capstan\" name=\"capstan drift\">\n"
         "      <error type=\"error\" message=\"" +
         XmlEscape(message) + "\"/>\n    </testcase>\n" + kFooter;
}

}  // namespace capstan
