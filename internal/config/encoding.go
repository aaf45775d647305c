package config

// RawUTF8Keys returns, in file order, the keys whose line holds non-ASCII
// characters as raw UTF-8 bytes (a hand-edited file saved as UTF-8). We
// read such a file as UTF-8, but java.util.Properties.load(InputStream),
// what the Java client uses, reads it as ISO-8859-1: "Clé" there is
// "ClÃ©", and Jira refuses the consumer key it signs with. Set writes
// non-ASCII as \uXXXX, which both read alike. A file that is not valid
// UTF-8 is read as ISO-8859-1 by both, so it has none.
func (f *File) RawUTF8Keys() []string {
	if f.latin1 {
		return nil
	}
	var keys []string
	seen := make(map[string]bool)
	for _, e := range f.entries {
		if e.kv && !isASCII(e.raw) && !seen[e.key] {
			seen[e.key] = true
			keys = append(keys, e.key)
		}
	}
	return keys
}
