/* The gate page: scan an exit pass with the phone camera, a keyboard-wedge
   scanner or by typing its short code. Without this script the page still
   works with plain form posts; without a camera (no https, no permission, no
   device) it falls back to typing. */
(function () {
  "use strict";

  var root = document.getElementById("gate");
  if (!root) return;
  root.classList.add("gate-js");

  var form = document.getElementById("gate-form");
  var input = document.getElementById("gate-code");
  var resultBox = document.getElementById("gate-result");
  var cameraButton = document.getElementById("gate-camera");
  var cameraStop = document.getElementById("gate-camera-stop");
  var videoWrap = document.getElementById("gate-video-wrap");
  var video = document.getElementById("gate-video");
  var cameraMessage = document.getElementById("gate-camera-msg");

  // On a touch phone, focusing the input opens the on-screen keyboard over the
  // result; refocus only for a real keyboard or a keyboard-wedge scanner.
  var coarsePointer = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  var wedgeSeen = false;
  var lastKeyAt = 0;
  var quickKeys = 0;

  function say(text) {
    cameraMessage.textContent = text;
    cameraMessage.hidden = !text;
  }

  function readyForNext() {
    input.value = "";
    if (!coarsePointer || wedgeSeen) input.focus({ preventScroll: true });
    else input.blur(); // close the on-screen keyboard so the whole result shows
  }

  // A wedge scanner "types" a whole code in a few milliseconds per key.
  input.addEventListener("keydown", function (event) {
    var now = performance.now();
    quickKeys = now - lastKeyAt < 35 ? quickKeys + 1 : 0;
    lastKeyAt = now;
    if (quickKeys >= 4) wedgeSeen = true;
    if (event.key === "Enter" && !input.value.trim()) event.preventDefault();
  });
  // The autofocus is for scanner stations; on a phone it would only open the
  // keyboard before the guard has chosen camera or typing.
  var touched = false;
  document.addEventListener("pointerdown", function () { touched = true; }, { capture: true, once: true });
  if (coarsePointer) {
    if (document.activeElement === input) input.blur();
    input.addEventListener("focus", function () { if (!touched) input.blur(); }, { once: true });
  }

  function submitCode(text) {
    input.value = text;
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  // --- Camera --------------------------------------------------------------
  var stream = null;
  var scanning = false;

  var cameraPossible = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  if (!window.isSecureContext) {
    say(root.dataset.msgInsecure);
  } else if (cameraPossible) {
    cameraButton.hidden = false;
  }

  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    videoWrap.hidden = true;
    if (cameraPossible && window.isSecureContext) cameraButton.hidden = false;
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.dataset.jsqrSrc;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // jsQR on a downscaled frame: fast enough on a cheap phone.
  function jsqrDecoder() {
    return loadJsQR().then(function (jsQR) {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var w = video.videoWidth;
        var h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        var scale = Math.min(1, 800 / Math.max(w, h));
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code && code.data ? code.data : null);
      };
    });
  }

  // The browser's own detector where it has one (Chrome on Android), else jsQR.
  function makeDecoder() {
    if (!("BarcodeDetector" in window)) return jsqrDecoder();
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") < 0) return jsqrDecoder();
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      })
      .catch(jsqrDecoder);
  }

  function scanLoop(decode) {
    if (!scanning) return;
    decode().then(
      function (text) {
        if (!scanning) return;
        if (text) {
          stopCamera();
          if (navigator.vibrate) navigator.vibrate(60);
          submitCode(text);
        } else {
          setTimeout(function () { scanLoop(decode); }, 120);
        }
      },
      function () { setTimeout(function () { scanLoop(decode); }, 300); }
    );
  }

  function startCamera() {
    say("");
    cameraButton.hidden = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        videoWrap.hidden = false;
        return video.play();
      })
      .then(makeDecoder)
      .then(function (decode) {
        scanning = true;
        videoWrap.scrollIntoView({ block: "start", behavior: "smooth" });
        scanLoop(decode);
      })
      .catch(function (error) {
        stopCamera();
        var denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
        say(denied ? root.dataset.msgDenied : root.dataset.msgUnavailable);
        if (!denied) {
          cameraPossible = false;
          cameraButton.hidden = true;
        }
      });
  }

  cameraButton.addEventListener("click", startCamera);
  cameraStop.addEventListener("click", stopCamera);
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stopCamera(); // the screen went off: free the camera
  });

  // --- Results -----------------------------------------------------------------
  function next() {
    resultBox.innerHTML = "";
    if (cameraPossible && window.isSecureContext && coarsePointer) startCamera();
    else readyForNext();
    window.scrollTo({ top: 0 });
  }

  resultBox.addEventListener("click", function (event) {
    if (event.target.closest("[data-gate-next]")) next();
  });

  function showProblem(text, elt) {
    var panel = document.createElement("div");
    panel.className = "gate-message";
    panel.setAttribute("role", "alert");
    panel.textContent = text;
    var letOut = elt && elt.closest && elt.closest(".gate-exit-form");
    if (letOut && resultBox.contains(letOut)) {
      // Keep the PASS panel: tapping "Let out" again resends the same
      // submission (same idempotency key), which lets the truck out once.
      var old = resultBox.querySelector(":scope > .gate-message");
      if (old) old.remove();
      resultBox.insertBefore(panel, resultBox.firstChild);
      return;
    }
    resultBox.innerHTML = "";
    resultBox.appendChild(panel);
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // A session that ran out: go to the login page instead of showing it in the panel.
    var url = event.detail.xhr && event.detail.xhr.responseURL;
    if (url && url.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.assign(url);
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== resultBox) return;
    var panel = resultBox.querySelector("[data-verdict]");
    if (panel && navigator.vibrate) {
      navigator.vibrate(panel.dataset.verdict === "stop" ? [300, 120, 300] : 80);
    }
    resultBox.scrollIntoView({ block: "start" });
    var plateError = resultBox.querySelector("#gate-plate.is-invalid");
    if (plateError) plateError.focus();
    else readyForNext();
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#gate-lists")) return;
    showProblem(root.dataset.msgOffline, event.detail.elt);
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#gate-lists")) return;
    // 503: busy or the database restarting; 409: the same tap still in progress.
    // Nothing was done twice: the let-out form keeps its key until an answer arrives.
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    showProblem(status === 503 || status === 409 ? root.dataset.msgBusy : root.dataset.msgError, event.detail.elt);
  });
})();
