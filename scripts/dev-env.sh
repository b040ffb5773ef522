# Exports the development-only variables of local-runner/env.json ("Parameters") into the
# calling shell: `source scripts/dev-env.sh` from the project folder.
eval "$(python3 -c "import json,shlex; print(' '.join('export %s=%s' % (k, shlex.quote(v)) for k, v in json.load(open('local-runner/env.json'))['Parameters'].items()))")"
