variable "service_id" {
  description = "ID of the VPC endpoint service whose connections this module decides."
  type        = string

  validation {
    condition     = length(var.service_id) >= 1 && length(var.service_id) <= 64
    error_message = "The service_id must be 1 to 64 characters long."
  }
}

variable "allowed_domain_ids" {
  description = "Account (domain) IDs whose endpoints are accepted. Endpoints of every other account are rejected."
  type        = set(string)

  validation {
    condition     = alltrue([for id in var.allowed_domain_ids : length(trimspace(id)) > 0])
    error_message = "The allowed_domain_ids must not contain empty strings."
  }
}

variable "timeout" {
  description = "How long an apply (or destroy) may take to send every decision and wait for the connections to settle, as a duration such as \"5m\"."
  type        = string
  default     = "10m"
}
