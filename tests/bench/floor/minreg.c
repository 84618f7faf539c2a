/* The floor of a remediating run: read the alert's line, create the key,
 * set EnableSecuritySignature to 1 and read it back. */
#include <windows.h>

#include <stdio.h>

int main(void)
{
	static const wchar_t key[] =
	        L"System\\CurrentControlSet\\Services\\LanmanWorkstation\\Parameters";
	char line[65536];
	HKEY h;
	DWORD one = 1, back = 0, size = sizeof(back), type = 0;

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_QUERY_VALUE | KEY_SET_VALUE,
	                    NULL, &h, NULL) != ERROR_SUCCESS)
		return 2;
	if (RegSetValueExW(h, L"EnableSecuritySignature", 0, REG_DWORD, (const BYTE *)&one,
	                   sizeof(one)) != ERROR_SUCCESS ||
	    RegQueryValueExW(h, L"EnableSecuritySignature", NULL, &type, (BYTE *)&back, &size) !=
	            ERROR_SUCCESS ||
	    type != REG_DWORD || back != 1) {
		RegCloseKey(h);
		return 3;
	}
	RegCloseKey(h);
	return 0;
}
