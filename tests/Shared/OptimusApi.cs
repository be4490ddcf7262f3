using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Optimus.Tests;

/// <summary>The REST API as a test calls it: thin helpers over HttpClient that check the status they expect.</summary>
public sealed class OptimusApi(HttpClient http)
{
    public HttpClient Http => http;

    public static string NewName(string prefix = "ds") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public async Task<JsonElement> CreateDatasetAsync(string name, string[] tables, int? keepVersions = null)
    {
        object body = keepVersions is { } keep ? new { name, tables, retention = new { keepVersions = keep } } : new { name, tables };
        using var response = await http.PostAsJsonAsync("/v1/datasets", body);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public async Task<string> CreateVersionAsync(string dataset, long? expectedEntries = null, string? label = null)
    {
        using var response = await http.PostAsJsonAsync("/v1/versions", new { dataset, label, expectedEntries });
        return (await ExpectAsync(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    /// <summary>Loads entries whose values are JSON texts; returns how many were new.</summary>
    public async Task<int> LoadAsync(string dataset, string table, string version, IEnumerable<(string Key, string Json)> entries, string? batchId = null)
    {
        using var response = await PostEntriesAsync(dataset, table, version, entries, batchId);
        return (await ExpectAsync(response, HttpStatusCode.OK)).GetProperty("accepted").GetInt32();
    }

    public Task<HttpResponseMessage> PostEntriesAsync(string dataset, string table, string version, IEnumerable<(string Key, string Json)> entries, string? batchId = null)
    {
        var body = new StringBuilder("[");
        foreach (var (key, json) in entries)
        {
            body.Append(body.Length > 1 ? "," : "").Append("{\"key\":").Append(JsonSerializer.Serialize(key)).Append(",\"value\":").Append(json).Append('}');
        }

        return PostRawAsync($"/v1/datasets/{dataset}/tables/{table}/entries?version={Uri.EscapeDataString(version)}", body.Append(']').ToString(), batchId);
    }

    /// <summary>Posts a JSON text; with <paramref name="expectContinue"/>, a body the server refuses by its length is never sent.</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, string json, string? batchId = null, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = expectContinue;
        if (batchId is not null)
        {
            request.Headers.Add("Idempotency-Key", batchId);
        }

        return await http.SendAsync(request);
    }

    public async Task<JsonElement> SaveAsync(string version, object? expect = null, int wait = 60)
    {
        using var response = await http.PostAsJsonAsync($"/v1/versions/{version}/save?wait={wait}", new { expect });
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> PublishAsync(string version)
    {
        using var response = await http.PostAsync(new Uri($"/v1/versions/{version}/publish", UriKind.Relative), null);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> RollbackAsync(string dataset)
    {
        using var response = await http.PostAsync(new Uri($"/v1/datasets/{dataset}/rollback", UriKind.Relative), null);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async Task<Read> GetAsync(string dataset, string table, string key, string? version = null)
    {
        var query = version is null ? "" : $"?version={Uri.EscapeDataString(version)}";
        using var response = await http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/{table}/entries/{Uri.EscapeDataString(key)}{query}", UriKind.Relative));
        return new Read(response.StatusCode, await response.Content.ReadAsStringAsync(), Header(response, "X-Optimus-Version"), Header(response, "X-Optimus-Active-Version"));
    }

    public async Task<(JsonElement Body, string? Version, string? Active)> GetManyAsync(string dataset, string table, IEnumerable<string> keys, string? version = null)
    {
        var query = string.Join("&", keys.Select(k => "key=" + Uri.EscapeDataString(k)));
        if (version is not null)
        {
            query += "&version=" + Uri.EscapeDataString(version);
        }

        using var response = await http.GetAsync(new Uri($"/v1/datasets/{dataset}/tables/{table}/entries?{query}", UriKind.Relative));
        return (await ExpectAsync(response, HttpStatusCode.OK), Header(response, "X-Optimus-Version"), Header(response, "X-Optimus-Active-Version"));
    }

    /// <summary>Asserts the status and returns the JSON body (for a problem, the body shown in the failure).</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        var target = response.RequestMessage?.RequestUri?.PathAndQuery ?? "";
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {target[..Math.Min(target.Length, 200)]}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem response with this status and code; returns its detail.</summary>
    public static async Task<string> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem.GetProperty("detail").GetString()!;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public sealed record Read(HttpStatusCode Status, string Body, string? Version, string? Active);
}
