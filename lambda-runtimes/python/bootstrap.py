# Cloudbox's Python runtime for Lambda functions (python3.9 to python3.13).
#
# A runtime client of the Lambda Runtime API
# (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): imports the module named by
# _HANDLER ("package/module.function") from LAMBDA_TASK_ROOT, then loops on
# GET /2018-06-01/runtime/invocation/next, calling function(event, context) and answering on
# /response or /error. Import failures go to /init/error with the errorType and message of
# Lambda's Python runtime (awslambdaric): Runtime.ImportModuleError "Unable to import module
# '<m>': <reason>", Runtime.HandlerNotFound "Handler '<f>' missing on module '<m>'",
# Runtime.MalformedHandlerName "Bad handler '<h>': <reason>", Runtime.UserCodeSyntaxError.
# Function errors are answered as {"errorMessage", "errorType", "requestId", "stackTrace"}.
# Layers: Cloudbox merges them into the directory CLOUDBOX_OPT_DIR (its /opt); like Lambda's Python
# runtimes with /opt, sys.path gets <opt>/python/lib/python3.x/site-packages (a site directory:
# its .pth files count) and <opt>/python, right after the task root and before the runtime's own
# packages (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
# Plain Python 3 standard library, run by `python3`, outside the TypeScript build.
import http.client
import importlib
import json
import os
import re
import site
import sys
import time
import traceback

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
HOST, PORT = API.split(":")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
HANDLER = os.environ.get("_HANDLER", "lambda_function.lambda_handler")

conn = http.client.HTTPConnection(HOST, int(PORT))


def call(method, path, body=None, headers=None):
    global conn
    for attempt in range(2):
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, data
        except (http.client.HTTPException, ConnectionError):
            if attempt == 1:
                raise
            conn = http.client.HTTPConnection(HOST, int(PORT))


def post_error(path, error_type, message, stack, request_id=""):
    body = {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack}
    print("[ERROR] %s: %s" % (error_type, message), flush=True)
    call("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})


def load_handler():
    try:
        (modname, fname) = HANDLER.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (HANDLER, str(e)))
    modname = modname.replace("/", ".")
    if TASK_ROOT not in sys.path:
        sys.path.insert(0, TASK_ROOT)
    add_layer_paths()
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, str(e)))
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, str(e)))
    fn = getattr(module, fname, None)
    if fn is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    return fn


def add_layer_paths():
    opt = os.environ.get("CLOUDBOX_OPT_DIR")
    if not opt:
        return
    # The site-packages of the function's runtime (python3.12 for python3.12), as Lambda names it.
    m = re.search(r"python(\d+\.\d+)", os.environ.get("AWS_EXECUTION_ENV", ""))
    version = m.group(1) if m else "%d.%d" % sys.version_info[:2]
    site_dir = os.path.join(opt, "python", "lib", "python" + version, "site-packages")
    before = list(sys.path)
    site.addsitedir(site_dir)
    added = [p for p in sys.path if p not in before]
    for p in added:
        sys.path.remove(p)
    at = sys.path.index(TASK_ROOT) + 1
    sys.path[at:at] = added + [os.path.join(opt, "python")]


class FaultError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self._deadline = int(headers.get("lambda-runtime-deadline-ms", "0"))
        cc = headers.get("lambda-runtime-client-context")
        self.client_context = json.loads(cc) if cc else None
        ci = headers.get("lambda-runtime-cognito-identity")
        self.identity = json.loads(ci) if ci else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))


def main():
    try:
        handler = load_handler()
    except FaultError as e:
        post_error("/2018-06-01/runtime/init/error", e.error_type, e.message, [])
        sys.exit(1)
    except Exception as e:  # an exception raised while importing the module
        post_error("/2018-06-01/runtime/init/error", type(e).__name__, str(e), traceback.format_tb(e.__traceback__))
        sys.exit(1)
    while True:
        try:
            status, headers, body = call("GET", "/2018-06-01/runtime/invocation/next")
        except Exception:
            sys.exit(1)  # Cloudbox went away
        request_id = headers.get("lambda-runtime-aws-request-id")
        if headers.get("lambda-runtime-trace-id"):
            os.environ["_X_AMZN_TRACE_ID"] = headers["lambda-runtime-trace-id"]
        try:
            event = json.loads(body) if body else {}
            result = handler(event, Context(headers))
            out = json.dumps(result).encode()
            call("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, out, {"Content-Type": "application/json"})
        except Exception as e:
            post_error(
                "/2018-06-01/runtime/invocation/%s/error" % request_id,
                type(e).__name__,
                str(e),
                traceback.format_list(traceback.extract_tb(e.__traceback__)),
                request_id,
            )


if __name__ == "__main__":
    main()
