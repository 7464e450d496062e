# Policy for aac plans, written as for Terraform plans: it reads plan.json (`aac plan --out plan.json`) as it
# would read `terraform show -json`, so a policy a team already has for Terraform works here as it is, and this
# one works there (conftest's `package main`). Every `deny` message fails the pull request (.github/workflows/
# plan.yml). Edit the lists to your stack's; docs/plan.md says what each key holds.
package main

import rego.v1

allowed_models := {"gpt-5.1", "gpt-5", "gpt-5-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini"}

# A vector store's index takes long to rebuild and applications hold its id: deleting one, or rebuilding it,
# needs the label `deletable: "true"` in its metadata, applied first.
deny contains msg if {
	some rc in input.resource_changes
	rc.type == "aac_vector_store"
	"delete" in rc.change.actions
	not rc.change.before.metadata.deletable == "true"
	msg := sprintf("%s: a vector store is deleted only with the label deletable: \"true\" applied first", [rc.address])
}

# No assistant or agent uses a model outside the list.
deny contains msg if {
	some rc in input.resource_changes
	rc.type in {"aac_assistant", "aac_agent"}
	some action in rc.change.actions
	action in {"create", "update"}
	not rc.change.after.model in allowed_models
	msg := sprintf("%s: model %v is not one of %v", [rc.address, rc.change.after.model, allowed_models])
}
