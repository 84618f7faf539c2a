/* For the Wine tests: starts the command line in the environment variable
 * AR_RAW_CMDLINE exactly as written (CreateProcessW, as wazuh-execd starts a
 * program), with this process's standard handles, and exits with its exit
 * status. `wine prog args` and `wine cmd /c` quote each argument again: only
 * this way can a test pass the quoting it means. */
#include <windows.h>

int main(void)
{
	static wchar_t line[32768];
	STARTUPINFOW si = {0};
	PROCESS_INFORMATION pi;
	DWORD code = 1;
	DWORD n = GetEnvironmentVariableW(L"AR_RAW_CMDLINE", line, sizeof(line) / sizeof(line[0]));

	if (n == 0 || n >= sizeof(line) / sizeof(line[0]))
		return 125;
	si.cb = sizeof(si);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	if (!CreateProcessW(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
		return 126;
	WaitForSingleObject(pi.hProcess, INFINITE);
	if (!GetExitCodeProcess(pi.hProcess, &code))
		code = 127;
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return (int)code;
}
