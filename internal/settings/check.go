package settings

// Check reports the problems of the provider block alone, which do not
// depend on the environment: a malformed or clear-text endpoint, a bad
// region, project_id or max_retries, and conflicting or half-set credentials. A nil
// value is not checked; credentialsKnown false (some value is not known
// yet) leaves the credentials alone, since they may turn out unset.
func Check(cfg Config, credentialsKnown bool) []*Error {
	var errs []*Error
	for _, u := range []struct {
		v    *string
		attr string
	}{{cfg.Endpoint, Endpoint.Attr}, {cfg.IAMEndpoint, IAMEndpoint.Attr}} {
		if u.v != nil {
			if _, err := ParseBaseURL(*u.v, "the "+u.attr+" argument", u.attr); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if cfg.Region != nil {
		if _, err := normalizeRegion(*cfg.Region, Region.Attr); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.ProjectID != nil {
		if err := checkProjectID(*cfg.ProjectID, ProjectID.Attr); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := maxRetries(cfg.MaxRetries); err != nil {
		errs = append(errs, err)
	}
	if !credentialsKnown {
		return errs
	}
	layer, err := configLayer(cfg)
	if err == nil {
		// Only the block's own credentials: a block without any is checked
		// when connecting, where the environment is consulted.
		_, err = Select(Chain{Layers: []Layer{layer}, AssumeRole: cfg.AssumeRole, DisableMetadata: true}, func(string) bool { return false })
		if err != nil && err.Summary == summaryMissingCredentials {
			err = nil
		}
	}
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}
