// A little local JavaScript: job progress, cancel, and the judge's verdict
// on a move before it is saved. Everything works without it but these.
"use strict";
const csrf = () => document.querySelector("main").dataset.csrf;

function post(url, body) {
  body.append("csrf", csrf());
  return fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf() } });
}

function watchJob(box) {
  const id = box.dataset.job;
  const text = document.getElementById("job-text");
  const bar = document.getElementById("job-bar");
  const tick = async () => {
    const job = await (await fetch(`/jobs/${id}`)).json();
    bar.value = Math.min(job.elapsed, job.time_limit);
    const figures = job.value === null ? "searching…" :
      `served value ${job.value}, bound ${job.bound}, gap ${(100 * job.gap).toFixed(2)} %`;
    text.textContent = `${figures} (${job.elapsed} s)`;
    if (job.status === "running") { setTimeout(tick, 500); return; }
    window.location = `/weeks/${box.dataset.week}?job=${id}`;
  };
  tick();
  const cancel = document.getElementById("cancel-job");
  if (cancel) cancel.addEventListener("click", () => post(`/jobs/${id}/cancel`, new FormData()));
}

function checkMoves(form) {
  const out = document.getElementById("verdict");
  document.getElementById("check-move").addEventListener("click", async () => {
    const answer = await (await post(form.dataset.verdict, new FormData(form))).json();
    out.replaceChildren();
    const head = document.createElement("p");
    head.className = answer.ok ? "ok" : "error";
    head.textContent = answer.ok ? "This move keeps every rule." : "This move breaks a rule:";
    out.append(head);
    const list = document.createElement("ul");
    for (const rule of answer.rules) {
      const li = document.createElement("li");
      li.textContent = rule;
      list.append(li);
    }
    out.append(list);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("job");
  if (box) watchJob(box);
  const form = document.getElementById("move-form");
  if (form) checkMoves(form);
});
