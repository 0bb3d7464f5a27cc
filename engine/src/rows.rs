//! Rows per branch (`{env}-{hash12}-{userBranch}`), the magic columns (`id`, `$createdBy`, ...),
//! lens translation when a row is read through another schema version, and copy-on-write on
//! update.
