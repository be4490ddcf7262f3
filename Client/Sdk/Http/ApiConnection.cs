using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Optimus.Grains;

namespace Optimus.Client.Http;

/// <summary>
/// Sends the SDK's HTTP requests: first to the server a route names, if any, else to the server that answered last,
/// failing over to the next when one cannot be reached or is unavailable, and repeating what is safe to repeat under
/// the one <see cref="RetryPolicy"/>. A problem the service answers with becomes an <see cref="OptimusException"/>
/// carrying its code.
/// </summary>
internal sealed class ApiConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _servers;
    private readonly OptimusClientOptions _options;
    private readonly RetryPolicy _retry;
    private int _current;

    public ApiConnection(OptimusClientOptions options, TimeProvider time, HttpMessageHandler? handler)
    {
        _options = options;
        _servers = options.Servers.Count > 0 ? [.. options.Servers] : [.. OptimusClientOptions.ServersFromEnvironment()];
        _retry = new RetryPolicy(options, time);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) }, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own deadline
        };
    }

    public IReadOnlyList<Uri> Servers => _servers;

    /// <summary>Told when a server a route named failed a request (which then went to the usual servers).</summary>
    public Action<Uri>? RouteFailed { get; set; }

    /// <summary>
    /// Sends a request built afresh for each attempt and returns the response when it is a success or a problem that
    /// is not passing (the caller reads it); throws <see cref="OptimusException"/> when every attempt failed. The first
    /// attempt goes to <paramref name="routed"/> when given: the silo that holds what the request is about.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        Func<Uri, HttpRequestMessage> build, Repeat repeat, CancellationToken cancellationToken, Uri? routed = null, int? attempts = null)
    {
        var maxAttempts = attempts ?? _retry.MaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var index = Volatile.Read(ref _current);
            var server = routed is not null && attempt == 1 ? routed : _servers[index];
            using var request = build(server);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RequestTimeout);
            string failure;
            bool sent;
            try
            {
                var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
                if (!IsPassing(response.StatusCode) || attempt >= maxAttempts || repeat != Repeat.Always)
                {
                    return response;
                }

                failure = $"{server} answered {(int)response.StatusCode} {response.ReasonPhrase}";
                sent = true;
                response.Dispose();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"{server} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s";
                sent = true;
            }
            catch (Exception exception) when (exception is HttpRequestException or SocketException)
            {
                // The handler lets a SocketException out unwrapped when the server dies just as a connection opens
                // (reading the connection's remote end: "Transport endpoint is not connected"). Whether that request
                // left cannot be told in general, so it counts as sent: only what may be repeated is.
                failure = $"{server} could not be reached: {exception.Message}";
                sent = exception is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
            }

            if (attempt >= maxAttempts || (sent && repeat != Repeat.Always))
            {
                throw new OptimusException(ProblemCodes.Unavailable,
                    $"{request.Method} {request.RequestUri?.PathAndQuery} failed after {attempt} attempt(s): {failure}." +
                    (sent && repeat != Repeat.Always ? " It may or may not have taken effect: check before repeating it." : ""));
            }

            if (server == routed && attempt == 1)
            {
                RouteFailed?.Invoke(routed); // the route is stale: the usual servers take it at once
                continue;
            }

            Interlocked.CompareExchange(ref _current, (index + 1) % _servers.Length, index); // try the next server
            await _retry.DelayAsync(attempt, cancellationToken);
        }
    }

    /// <summary>Reads a successful response's JSON body, or throws the problem it carries.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await ThrowIfProblemAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw new OptimusException("unexpected-response", $"{response.RequestMessage?.RequestUri} answered an empty body.", response.StatusCode);
    }

    /// <summary>Throws an <see cref="OptimusException"/> with the problem's code unless the response is a success.</summary>
    public static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw await ProblemOfAsync(response, cancellationToken);
    }

    /// <summary>The problem a failed response carries (code and detail), or a description of what came instead.</summary>
    public static async Task<OptimusException> ProblemOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String && code.GetString() is { } text)
            {
                var detail = problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return new OptimusException(text, detail ?? text, response.StatusCode);
            }
        }
        catch (JsonException)
        {
            // not a problem document: described below
        }

        return new OptimusException(
            (int)response.StatusCode >= 500 ? ProblemCodes.Unavailable : "unexpected-response",
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase} without a problem document.",
            response.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    // Passing: the server is busy, a silo died and its grains are not back yet, or a proxy lost its upstream.
    private static bool IsPassing(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;
}
