// The dataset and outcome uploads: the chosen file goes to the portal's HTTP endpoint (not through the Blazor circuit),
// with the page's antiforgery token; progress, the answer or the error go back to the component.
export function upload(input, url, headerName, token, component) {
    const file = input && input.files && input.files[0];
    if (!file) { component.invokeMethodAsync("Failed", "Choose a CSV file first."); return; }
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    if (token) xhr.setRequestHeader(headerName, token);
    let last = 0;
    xhr.upload.onprogress = e => {
        if (!e.lengthComputable) return;
        const now = Date.now();
        // A few updates a second are enough for a progress bar (each one is a round trip to the server).
        if (e.loaded < e.total && now - last < 250) return;
        last = now;
        component.invokeMethodAsync("Progressed", e.loaded, e.total);
    };
    xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) component.invokeMethodAsync("Completed", xhr.responseText);
        else component.invokeMethodAsync("Failed", xhr.responseText || `${xhr.status} ${xhr.statusText}`);
    };
    xhr.onerror = () => component.invokeMethodAsync("Failed", null);
    xhr.onabort = () => component.invokeMethodAsync("Failed", "The upload was cancelled.");
    xhr.send(form);
}
