package settings

// Error is one configuration problem, written for the user: Attr is the
// provider attribute it belongs to ("" for none), Summary a short title and
// Detail what is wrong and how to fix it.
type Error struct{ Attr, Summary, Detail string }

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }
