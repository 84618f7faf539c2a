/* For the MSI's Wine test: a Windows service that stands for the Wazuh
 * agent's (WazuhSvc). Each start appends "start PID" to starts.log beside
 * the .exe, and each stop "stop PID", so a test sees whether, and how often,
 * the service was stopped and started. It runs until it is told to stop. */
#include <windows.h>
#include <stdio.h>

#define SERVICE_NAME L"WazuhSvc"

typedef struct service {
	SERVICE_STATUS_HANDLE handle;
	SERVICE_STATUS status;
	HANDLE stop;
} service;

static service the_service;

static void mark(const char *what)
{
	wchar_t path[MAX_PATH + 16];
	DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
	wchar_t *slash;
	FILE *f;

	if (n == 0 || n >= MAX_PATH)
		return;
	slash = wcsrchr(path, L'\\');
	if (slash == NULL)
		return;
	wcscpy(slash + 1, L"starts.log");
	f = _wfopen(path, L"a");
	if (f == NULL)
		return;
	fprintf(f, "%s %lu\n", what, (unsigned long)GetCurrentProcessId());
	fclose(f);
}

static void report(service *s, DWORD state)
{
	s->status.dwCurrentState = state;
	s->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
	SetServiceStatus(s->handle, &s->status);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID context)
{
	service *s = context;

	(void)type;
	(void)data;
	if (code == SERVICE_CONTROL_STOP || code == SERVICE_CONTROL_SHUTDOWN) {
		report(s, SERVICE_STOP_PENDING);
		SetEvent(s->stop);
	}
	return NO_ERROR;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	service *s = &the_service;

	(void)argc;
	(void)argv;
	s->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	s->handle = RegisterServiceCtrlHandlerExW(SERVICE_NAME, control, s);
	if (s->handle == NULL)
		return;
	s->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
	mark("start");
	report(s, SERVICE_RUNNING);
	WaitForSingleObject(s->stop, INFINITE);
	mark("stop");
	report(s, SERVICE_STOPPED);
}

int main(void)
{
	SERVICE_TABLE_ENTRYW table[] = {{SERVICE_NAME, service_main}, {NULL, NULL}};

	return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
