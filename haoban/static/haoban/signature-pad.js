/* 签名板 (signature pad) of the workbench's 送达 form: the recipient signs with a finger, a pen or the
 * mouse; the drawing is put into the form's hidden field as a PNG data URL (data:image/png;base64,...),
 * which the server checks like an uploaded image. No library, no CDN. Without JavaScript the pad stays
 * hidden and the clerk uploads a photo of the signed receipt instead. */
(function () {
  "use strict";

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var field = document.getElementById(pad.getAttribute("data-field"));
    var clear = pad.querySelector("[data-clear]");
    var status = pad.querySelector("[data-status]");
    if (!canvas || !field || !canvas.getContext) {
      return;
    }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function reset() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 3;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      drawn = false;
      field.value = "";
      if (status) {
        status.textContent = "尚未签名";
      }
    }

    // Canvas pixels follow its shown width, so a phone's narrow pad is not a blurred wide one.
    function resize() {
      var width = Math.max(200, Math.floor(canvas.getBoundingClientRect().width));
      if (canvas.width !== width) {
        canvas.width = width;
        canvas.height = Math.round(width / 3);
        reset();
      }
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function start(event) {
      if (event.preventDefault) {
        event.preventDefault();
      }
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture && event.pointerId !== undefined) {
        canvas.setPointerCapture(event.pointerId);
      }
    }

    function move(event) {
      if (!drawing) {
        return;
      }
      if (event.preventDefault) {
        event.preventDefault();
      }
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
    }

    function end() {
      if (!drawing) {
        return;
      }
      drawing = false;
      if (drawn) {
        field.value = canvas.toDataURL("image/png");
        if (status) {
          status.textContent = "已签名";
        }
      }
    }

    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", start);
      canvas.addEventListener("pointermove", move);
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
      canvas.addEventListener("pointerleave", end);
    } else {
      // Older mobile browsers: touch events, one finger.
      canvas.addEventListener("mousedown", start);
      canvas.addEventListener("mousemove", move);
      window.addEventListener("mouseup", end);
      canvas.addEventListener("touchstart", function (e) { start(e.touches[0]); e.preventDefault(); });
      canvas.addEventListener("touchmove", function (e) { move(e.touches[0]); e.preventDefault(); });
      canvas.addEventListener("touchend", end);
    }
    if (clear) {
      clear.addEventListener("click", reset);
    }
    pad.hidden = false;
    resize();
    window.addEventListener("resize", function () {
      if (!drawn) {
        resize();
      }
    });
  }

  function init() {
    var pads = document.querySelectorAll("[data-signature-pad]");
    for (var i = 0; i < pads.length; i++) {
      setUp(pads[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
