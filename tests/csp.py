"""Reading a Content-Security-Policy header as its directives: the order in which a policy
lists them is no promise (it may change from one process to the next)."""


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive: sources for directive, *sources in (part.split() for part in header.split(";"))
    }
