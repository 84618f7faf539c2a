# Sourced by the Wine scripts: whether the run traced in $WORK/err (with
# WINEDEBUG=trace+file,trace+ntdll) gave the folder WINPATH the protected
# DACL through a handle of the folder itself: NtCreateFile of that path
# asking WRITE_DAC (0x40000), then NtSetSecurityObject with
# DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION
# (0x80000004).
# shellcheck shell=bash
protected_dacl_set() { # protected_dacl_set WINPATH
	local path="\\??\\$1"
	WANT="name=L\"${path//\\/\\\\}\"" awk '
		index($0, "NtCreateFile") && index($0, ENVIRON["WANT"]) {
			match($0, /access=[0-9a-f]+/)
			# WRITE_DAC is bit 2 of the fourth of the eight hex digits.
			d = index("0123456789abcdef", substr($0, RSTART + 10, 1)) - 1
			opened = int(d / 4) % 2 == 1
		}
		opened && /NtSetSecurityObject [^ ]+ 0x80000004/ { found = 1 }
		END { exit !found }' "$WORK/err"
}
