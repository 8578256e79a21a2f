namespace Drover.Api;

/// <summary>Probes and lifecycle handlers (Kubernetes validateProbe / validateHandler / validateLifecycle).</summary>
internal static class ProbeValidation
{
    public static void ValidateProbe(Probe? probe, string path, bool successMustBeOne, ErrorList errors)
    {
        if (probe is null)
            return;
        var handlers = 0;
        if (probe.HttpGet is not null)
        {
            handlers++;
            ValidateHttpGet(probe.HttpGet, path + ".httpGet", errors);
        }
        if (probe.TcpSocket is not null)
        {
            if (++handlers > 1)
                errors.Forbidden(path + ".tcpSocket", "may not specify more than 1 handler type");
            else
                ValidatePortNumOrName(probe.TcpSocket.Port, path + ".tcpSocket.port", errors);
        }
        if (probe.Exec is not null)
        {
            if (++handlers > 1)
                errors.Forbidden(path + ".exec", "may not specify more than 1 handler type");
            else
                ValidateExec(probe.Exec, path + ".exec", errors);
        }
        if (handlers == 0)
            errors.Required(path, "must specify a handler type");

        errors.NonNegative(path + ".initialDelaySeconds", probe.InitialDelaySeconds);
        // Unlike Go we can tell 0 from unset: defaulting fills unset, so an explicit 0 is a mistake
        // (a zero period would probe in a busy loop, a zero threshold would never decide).
        AtLeastOne(path + ".timeoutSeconds", probe.TimeoutSeconds, errors);
        AtLeastOne(path + ".periodSeconds", probe.PeriodSeconds, errors);
        AtLeastOne(path + ".successThreshold", probe.SuccessThreshold, errors);
        AtLeastOne(path + ".failureThreshold", probe.FailureThreshold, errors);
        // Liveness and startup act on the first failure or success; a success streak means nothing to them.
        if (successMustBeOne && probe.SuccessThreshold is > 1)
            errors.Invalid(path + ".successThreshold", probe.SuccessThreshold.Value, "must be 1");
    }

    public static void ValidateLifecycle(Lifecycle? lifecycle, string path, long gracePeriodSeconds, ErrorList errors)
    {
        if (lifecycle is null)
            return;
        ValidateHandler(lifecycle.PostStart, path + ".postStart", gracePeriodSeconds, errors);
        ValidateHandler(lifecycle.PreStop, path + ".preStop", gracePeriodSeconds, errors);
    }

    private static void ValidateHandler(LifecycleHandler? handler, string path, long gracePeriodSeconds, ErrorList errors)
    {
        if (handler is null)
            return;
        var handlers = 0;
        if (handler.Exec is not null)
        {
            handlers++;
            ValidateExec(handler.Exec, path + ".exec", errors);
        }
        if (handler.HttpGet is not null)
        {
            if (++handlers > 1)
                errors.Forbidden(path + ".httpGet", "may not specify more than 1 handler type");
            else
                ValidateHttpGet(handler.HttpGet, path + ".httpGet", errors);
        }
        if (handler.Sleep is not null)
        {
            if (++handlers > 1)
                errors.Forbidden(path + ".sleep", "may not specify more than 1 handler type");
            else if (handler.Sleep.Seconds < 0 || handler.Sleep.Seconds > gracePeriodSeconds)
                // A sleep past the grace period would be cut short by the kill anyway.
                errors.Invalid(path + ".sleep.seconds", handler.Sleep.Seconds, $"must be non-negative and less than terminationGracePeriodSeconds ({gracePeriodSeconds})");
        }
        if (handlers == 0)
            errors.Required(path, "must specify a handler type");
    }

    private static void ValidateHttpGet(HttpGetAction action, string path, ErrorList errors)
    {
        // Defaulting sets "/"; only an explicit empty path is wrong.
        if (action.Path is { Length: 0 })
            errors.Required(path + ".path");
        ValidatePortNumOrName(action.Port, path + ".port", errors);
        if (action.Scheme is not null && action.Scheme is not ("HTTP" or "HTTPS"))
            errors.NotSupported(path + ".scheme", action.Scheme, "HTTP", "HTTPS");
        if (action.HttpHeaders is { } headers)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var name = headers[i]?.Name ?? "";
                if (NameRules.HttpHeaderName(name) is { } problem)
                    errors.Invalid($"{path}.httpHeaders[{i}].name", name, problem);
            }
        }
    }

    private static void ValidateExec(ExecAction action, string path, ErrorList errors)
    {
        if (action.Command is null || action.Command.Count == 0)
            errors.Required(path + ".command");
    }

    /// <summary>
    /// A number must be a valid port; a string must be a valid port name. Kubernetes checks only the
    /// name's syntax, not that the container declares it: the agent resolves it at probe time.
    /// </summary>
    public static void ValidatePortNumOrName(IntOrString port, string path, ErrorList errors)
    {
        if (!port.IsString)
        {
            if (NameRules.PortNumber(port.IntValue) is { } numberProblem)
                errors.Invalid(path, port.IntValue, numberProblem);
        }
        else if (NameRules.PortName(port.StringValue) is { } nameProblem)
        {
            errors.Invalid(path, port.StringValue, nameProblem);
        }
    }

    private static void AtLeastOne(string path, int? value, ErrorList errors)
    {
        if (value is < 1)
            errors.Invalid(path, value.Value, "must be greater than or equal to 1");
    }
}
