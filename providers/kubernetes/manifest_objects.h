// The objects of a k8s.manifest: parsing, normalising, ordering and drift projection.
//
/// Pure functions (no network) so the rules that decide what capstan applies, in which
/// order it deletes, and what counts as drift are unit-tested on their own:
///  - `content` is multi-document YAML, typed like kubectl reads it (YAML 1.1-ish
///    scalars: true/false, null, integers, floats; quoted scalars stay strings);
///  - Secret `stringData` is folded into base64 `data`, as the API server would, so
///    what is compared is what is stored;
///  - Namespaces are applied first and deleted last;
///  - drift looks only at the fields capstan applied: the live object is projected onto
///    the leaves of the applied one (a list of the same length element by element,
///    another length as one changed leaf), so fields that controllers or defaulting add —
///    also inside list items such as containers — are never drift.
#pragma once

#include <string>
#include <vector>

#include "engine/result.h"
#include "engine/value.h"

namespace capstan::kube {

/// Documents of a multi-document YAML string as JSON values (empty documents skipped).
Result<std::vector<Value>> ParseYamlDocuments(const std::string& text);

/// YAML text of `docs`, separated by "---".
std::string DumpYamlDocuments(const std::vector<Value>& docs);

/// The objects a k8s.manifest's properties describe (`manifests` list or `content`),
/// normalised, in the order given. Errors name the document index.
Result<std::vector<Value>> DesiredObjects(const Value& props);

/// Secret stringData folded into data (base64); other kinds unchanged.
Value NormalizeObject(Value obj);

/// Indices of `objs` in apply order: Namespaces and CustomResourceDefinitions first,
/// then the rest as given.
std::vector<size_t> ApplyOrder(const std::vector<Value>& objs);

/// Indices of `refs` (ObjectRef::ToValue() shapes or objects) in delete order: reverse
/// of the given order with Namespaces (and CRDs) last.
std::vector<size_t> DeleteOrder(const std::vector<Value>& refs);

/// `desired` with every leaf replaced by the value at the same path in `live` (the leaf
/// removed when `live` lacks it; lists of equal length projected per element, otherwise
/// replaced whole). apiVersion, kind, metadata.name and
/// metadata.namespace are kept from `desired`. Equal to `desired` when nothing capstan
/// manages has drifted.
Value ProjectLive(const Value& desired, const Value& live);

}  // namespace capstan::kube
