"""Starts LocalStack's open-source core as a host process for `npm run rehearse` (see scripts/rehearse.ts).

Lambda: LAMBDA_RUNTIME_EXECUTOR=noop selects the executor below, which unpacks each function's bundle (so a
broken zip fails the deploy) but never runs it: the docker executor would download a runtime image, and this
machine has neither Docker nor the network for it. An invocation (a schedule firing) answers with an error
result saying the code was not run. Everything else is LocalStack's own `localstack.runtime.main`.
"""

from localstack.services.lambda_.invocation import runtime_executor
from localstack.services.lambda_.invocation.lambda_models import InvocationResult


class NoopRuntimeExecutor(runtime_executor.RuntimeExecutor):
    def start(self, env_vars):
        pass

    def stop(self):
        pass

    def get_address(self):
        return "127.0.0.1"

    def get_endpoint_from_executor(self):
        return "127.0.0.1"

    def get_runtime_endpoint(self):
        return "http://127.0.0.1/_localstack_lambda/noop"

    def invoke(self, payload):
        return InvocationResult(
            request_id=str(payload.get("invoke-id", "noop")),
            payload=b'{"errorMessage":"rehearsal: function code is unpacked but not run"}',
            is_error=True,
            logs="rehearsal: no-op executor\n",
        )

    def get_logs(self):
        return ""

    @classmethod
    def prepare_version(cls, function_version):
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()  # unpacks the zip

    @classmethod
    def cleanup_version(cls, function_version):
        pass


_original = runtime_executor.get_runtime_executor


def _get_runtime_executor():
    from localstack import config

    if config.LAMBDA_RUNTIME_EXECUTOR == "noop":
        return NoopRuntimeExecutor
    return _original()


runtime_executor.get_runtime_executor = _get_runtime_executor

if __name__ == "__main__":
    from localstack.runtime.main import main

    main()
