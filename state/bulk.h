// PutInstances: many instance writes in one transaction.
//
/// Importing a large stack, seeding benchmarks or migrating from another tool writes
/// thousands of rows; one transaction (and one fsync) for all of them is the difference
/// between a second and minutes. Built only on the StateStore contract: it is
/// CommitResult without a journal row.
#pragma once

#include <string>
#include <vector>

#include "state/store.h"

namespace capstan {

/// Stores all `instances` (insert or replace) atomically; the serial increments once.
/// Takes the vector by value: pass an rvalue to avoid copying every attribute tree.
Status PutInstances(StateStore& store, const std::string& stack,
                    std::vector<InstanceState> instances);

}  // namespace capstan
