# The stack-identity check (components/stackIdentity/stackIdentityObjects.ts):
# runs before anything else of the stack is applied in its namespace. The
# namespace's marker ConfigMap is mounted at $MARKER_DIR (optional: absent on a
# new namespace, and on data that predates the marker, which is adopted).
# Exit 0: the namespace is new, or holds this stack's own data.
# Exit 1: it holds another stack's data, which this stack's generated
# credentials cannot open; the message says what to do.
marker="$MARKER_DIR/stack"
if [ ! -f "$marker" ]; then
    echo "namespace $NAMESPACE holds no stack identity marker: stack $STACK takes it"
    exit 0
fi
found=$(cat "$marker")
if [ "$found" = "$STACK" ]; then
    echo "namespace $NAMESPACE holds the data of this stack ($STACK)"
    exit 0
fi
message="Refused: namespace $NAMESPACE holds the data of stack $found (ConfigMap $MARKER_NAME); this stack is $STACK, and its generated credentials cannot open that data. Deploy this stack into another namespace (setting namespace), or move the data: back up $found, deploy $STACK in another namespace and restore the archive there (docs/moving-data.md)."
echo "$message" >&2
# The pod's termination message, which kubectl describe and the Job's events show.
echo "$message" > "${TERMINATION_LOG:-/dev/termination-log}" 2>/dev/null || true
exit 1
