package main

import "testing"

// TestServiceSID checks the algorithm against SIDs Windows documents and
// shows (`sc.exe showsid NAME`).
func TestServiceSID(t *testing.T) {
	for name, want := range map[string]string{
		"TrustedInstaller": "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
		"trustedinstaller": "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
		"MSSQLSERVER":      "S-1-5-80-3880718306-3832830129-1677859214-2598158968-1052248003",
		"WinDefend":        "S-1-5-80-1913148863-3492339771-4165695881-2087618961-4109116736",
	} {
		if got := serviceSID(name); got != want {
			t.Errorf("serviceSID(%q) = %s, want %s", name, got, want)
		}
	}
}
