# Saves messy.xlsx with a password as .xls and .ods through LibreOffice's
# UNO API (its command line cannot set a password). Run by make.sh.
import os, subprocess, time
import uno
from com.sun.star.beans import PropertyValue


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


here = os.path.abspath(os.path.dirname(__file__))
port = 18251
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                         "--accept=socket,host=127.0.0.1,port=%d;urp;" % port])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(60):
    try:
        ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=%d;urp;StarOffice.ComponentContext" % port)
        break
    except Exception:
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.join(here, "messy.xlsx")), "_blank", 0, (pv("Hidden", True),))
for name, filt in [("encrypted.xls", "MS Excel 97"), ("encrypted.ods", "calc8")]:
    doc.storeToURL(uno.systemPathToFileUrl(os.path.join(here, name)), (pv("FilterName", filt), pv("Password", "secret")))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=30)
