#!/usr/bin/env bash
# Creates and invokes the example function with the AWS CLI v2 against a running Cloudbox, then
# reads its log from CloudWatch Logs.
#   npx cloudbox start &        (or: node bin/cloudbox.js start)
#   examples/lambda-function/run.sh
# ENDPOINT defaults to http://127.0.0.1:4566; the function lands in account 123456789012.
set -euo pipefail
cd "$(dirname "$0")"
ENDPOINT="${ENDPOINT:-http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID=123456789012 AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
# The AWS CLI v2 (a Python environment may put a v1 first on PATH): AWS_CLI, else the first v2 found.
AWS_CLI="${AWS_CLI:-}"
if [ -z "$AWS_CLI" ]; then
  for c in $(which -a aws 2>/dev/null) /usr/local/bin/aws /usr/local/aws-cli/v2/current/bin/aws; do
    if [ -x "$c" ] && "$c" --version 2>&1 | grep -q '^aws-cli/2'; then AWS_CLI="$c"; break; fi
  done
fi
[ -n "$AWS_CLI" ] || { echo "AWS CLI v2 not found (set AWS_CLI)" >&2; exit 1; }
aws() { "$AWS_CLI" --endpoint-url "$ENDPOINT" "$@"; }
NAME="${NAME:-hello-cloudbox}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd function && zip -q -r "$WORK/function.zip" .)

aws lambda delete-function --function-name "$NAME" >/dev/null 2>&1 || true
aws lambda create-function \
  --function-name "$NAME" \
  --runtime nodejs22.x \
  --handler index.handler \
  --role arn:aws:iam::123456789012:role/hello-cloudbox \
  --zip-file "fileb://$WORK/function.zip" \
  --query '{FunctionArn: FunctionArn, State: State, CodeSha256: CodeSha256}'

for who in Ada Grace; do
  aws lambda invoke \
    --function-name "$NAME" \
    --cli-binary-format raw-in-base64-out \
    --payload "{\"name\": \"$who\"}" \
    --log-type Tail \
    --query 'LogResult' --output text \
    "$WORK/out.json" | base64 -d
  echo "Response: $(cat "$WORK/out.json")"
done

# The same lines are in CloudWatch Logs, group /aws/lambda/<name>, one stream per execution
# environment; Lambda delivers them within a second or so.
sleep 2
echo "CloudWatch Logs, /aws/lambda/$NAME:"
aws logs filter-log-events --log-group-name "/aws/lambda/$NAME" --query 'events[].[logStreamName, message]' --output text
